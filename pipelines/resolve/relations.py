"""The relations of ``gold.entity_links``: written by resolution, read by patterns, the index and
search (a plain module, so that search imports no Spark)."""

HOLDS_DOCUMENT, USES_PHONE = "holds_document", "uses_phone"
DRIVES_VEHICLE, PAYS_ACCOUNT = "drives_vehicle", "pays_account"
# Of a person to an identifier named with it, by the identifier's type (any other: associated).
RELATION_OF = {"identity_document": HOLDS_DOCUMENT, "phone": USES_PHONE, "vehicle": DRIVES_VEHICLE,
               "plate": DRIVES_VEHICLE, "account": PAYS_ACCOUNT, "crypto_wallet": PAYS_ACCOUNT}
TO_IDENTIFIER: tuple[str, ...] = (USES_PHONE, HOLDS_DOCUMENT, DRIVES_VEHICLE, PAYS_ACCOUNT)
ASSOCIATED_WITH = "associated_with"  # two persons named together; a person and an e-mail or IMEI he gave
CO_MENTIONED = "co_mentioned"  # any other pair of entities a document names
SAME_AS = "same_as"  # a plate and its vehicle
POSSIBLY_SAME_AS = "possibly_same_as"  # a name no rule could resolve, and one of its few namesakes
RELATIONS: tuple[str, ...] = (SAME_AS, CO_MENTIONED, *TO_IDENTIFIER, ASSOCIATED_WITH, POSSIBLY_SAME_AS)
# Not a holding: a person is not an identifier's holder by a mere co-mention or a possible identity.
NOT_HOLDING: tuple[str, ...] = (CO_MENTIONED, POSSIBLY_SAME_AS)
