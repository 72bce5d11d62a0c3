"""The relations of ``gold.entity_links``: written by resolution, read by patterns, the index and
search (a plain module, so that search imports no Spark)."""

# Of a person to an identifier named with it, by the identifier's type (any other: associated).
RELATION_OF = {"identity_document": "holds_document", "phone": "uses_phone", "vehicle": "drives_vehicle",
               "plate": "drives_vehicle", "account": "pays_account", "crypto_wallet": "pays_account"}
ASSOCIATED_WITH = "associated_with"  # two persons named together; a person and an e-mail or IMEI he gave
CO_MENTIONED = "co_mentioned"  # any other pair of entities a document names
SAME_AS = "same_as"  # a plate and its vehicle
POSSIBLY_SAME_AS = "possibly_same_as"  # a name no rule could resolve, and one of its few namesakes
