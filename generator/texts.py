"""Narratives and message bodies as officers write them, in es/pt/en/fr, with the spans they plant.

A template is text with ``{slot}`` markers; :func:`render` fills them and returns every planted
mention with its exact character offsets, which the ground truth keeps.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

from generator.prose import PROSE_SLOTS

PLACES = {
    "AR": ["Buenos Aires", "Rosario", "Córdoba", "Mendoza", "La Plata"], "BR": ["São Paulo", "Santos", "Rio de Janeiro",
    "Curitiba", "Foz do Iguaçu"], "CL": ["Santiago", "Valparaíso", "Antofagasta", "Iquique", "Arica"],
    "CO": ["Bogotá", "Cartagena", "Medellín", "Cali", "Barranquilla"], "PE": ["Lima", "Callao", "Cusco", "Tacna",
    "Arequipa"], "MX": ["Ciudad de México", "Guadalajara", "Monterrey", "Tijuana", "Cancún"], "FR": ["Paris",
    "Marseille", "Lyon", "Le Havre", "Toulouse"], "ES": ["Madrid", "Barcelona", "Algeciras", "Valencia", "Málaga"],
    "US": ["Miami", "Houston", "Los Angeles", "New York", "San Diego"],
}
NATIONALITY = {
    "es": {"AR": "argentina", "BR": "brasileña", "CL": "chilena", "CO": "colombiana", "PE": "peruana",
           "MX": "mexicana", "FR": "francesa", "ES": "española", "US": "estadounidense"},
    "pt": {"AR": "argentina", "BR": "brasileira", "CL": "chilena", "CO": "colombiana", "PE": "peruana",
           "MX": "mexicana", "FR": "francesa", "ES": "espanhola", "US": "norte-americana"},
    "en": {"AR": "Argentine", "BR": "Brazilian", "CL": "Chilean", "CO": "Colombian", "PE": "Peruvian",
           "MX": "Mexican", "FR": "French", "ES": "Spanish", "US": "American"},
    "fr": {"AR": "argentine", "BR": "brésilienne", "CL": "chilienne", "CO": "colombienne", "PE": "péruvienne",
           "MX": "mexicaine", "FR": "française", "ES": "espagnole", "US": "américaine"},
}
OFFENCES = {
    "es": ["Tráfico ilícito de drogas", "Robo agravado", "Trata de personas", "Lavado de activos", "Homicidio",
           "Contrabando", "Falsificación de documentos", "Secuestro extorsivo"],
    "pt": ["Tráfico internacional de drogas", "Roubo qualificado", "Tráfico de pessoas", "Lavagem de dinheiro",
           "Homicídio", "Contrabando", "Falsificação de documento", "Extorsão mediante sequestro"],
    "en": ["Drug trafficking", "Armed robbery", "Human trafficking", "Money laundering", "Homicide", "Smuggling",
           "Document fraud", "Kidnapping"],
    "fr": ["Trafic de stupéfiants", "Vol à main armée", "Traite des êtres humains", "Blanchiment d'argent",
           "Homicide", "Contrebande", "Faux et usage de faux", "Enlèvement"],
}
REPORT_TEMPLATES = {
    "es": [
        "Durante la vigilancia en {place} se observó a {name}, de nacionalidad {nat}, descargar paquetes de un vehículo de placas {plate}. Utiliza el celular {phone}.",
        "Se procedió a la detención de {name} (alias '{alias}') en {place}; portaba el pasaporte N° {passport} y un teléfono {phone}.",
        "En el control de ruta se identificó al conductor {name}, quien manejaba el vehículo VIN {vin} con placa {plate}. Acompañante: {name2}.",
        "La fuente informa que {name}, alias {alias}, se comunica con {name2} al número {phone} para coordinar envíos desde {place}.",
        "SE INCAUTÓ DOCUMENTACIÓN A NOMBRE DE {name}, PASAPORTE {passport}, Y TRANSFERENCIAS A LA CTA {iban}.",
        "Informe de inteligencia: el sujeto {name} fue visto en {place} junto a {name2}. Tel. de contacto {phone}. Correo {email}.",
        "Peritaje del celular incautado a {name} (IMEI {imei}): registra pagos a la billetera BTC {wallet} y contactos con {name2}.",
        "Del análisis de la línea {phone} (equipo IMEI {imei}) surge que {name} coordinaba con {name2} desde {place}.",
        "Se recibió denuncia anónima: {name} estaría almacenando mercadería ilícita en {place}. Vehículo asociado placa {plate}.",
    ],
    "pt": [
        "O investigado {name}, conhecido como '{alias}', utilizou o telefone {phone} para contatar {name2} sobre uma remessa em {place}.",
        "Durante abordagem em {place} foi identificado {name}, de nacionalidade {nat}, portando o passaporte {passport}.",
        "Veículo placa {plate} (chassi {vin}) foi flagrado em {place} conduzido por {name}.",
        "Interceptação telefônica: o alvo {name} (tel {phone}) menciona pagamento para a conta {iban}.",
        "FOI CUMPRIDO MANDADO DE BUSCA NA RESIDÊNCIA DE {name} EM {place}. APREENDIDO CELULAR {phone}.",
        "Segundo informante, {name} e {name2} atuam juntos no transporte de drogas a partir de {place}. E-mail usado: {email}.",
        "Perícia no aparelho de {name} (IMEI {imei}) revelou transferências em bitcoin para a carteira {wallet}.",
    ],
    "en": [
        "Subject {name}, a {nat} national, was stopped at {place} driving a vehicle with plate {plate}. Phone seized: {phone}.",
        "Surveillance team observed {name} a.k.a. '{alias}' meeting {name2} in {place}. Contact number {phone}.",
        "Search of the premises in {place} recovered passport no. {passport} in the name of {name}.",
        "Financial analysis links {name} to account {iban}; wire transfers originated from {place}.",
        "CI reports that {name} uses email {email} and cell {phone} to arrange shipments. Vehicle VIN {vin}.",
        "Traffic stop in {place}: driver identified as {name}, passenger {name2}. Vehicle plate {plate}.",
        "Forensic extraction of the handset (IMEI {imei}) seized from {name} shows payments to BTC wallet {wallet}.",
    ],
    "fr": [
        "Lors d'une surveillance à {place}, l'individu {name}, de nationalité {nat}, a été observé avec {name2}. Tél. {phone}.",
        "Interpellation de {name} dit '{alias}' à {place}; saisie du passeport n° {passport} et d'un téléphone {phone}.",
        "Le véhicule immatriculé {plate} (VIN {vin}) est utilisé par {name} pour des trajets vers {place}.",
        "Selon la source, {name} reçoit des virements sur le compte {iban} et communique par courriel {email}.",
        "CONTRÔLE ROUTIER À {place} : CONDUCTEUR {name}, PASSAGER {name2}, VÉHICULE {plate}.",
        "Écoute téléphonique : {name} utilise la ligne {phone} pour organiser les livraisons à {place}.",
        "L'exploitation du téléphone (IMEI {imei}) de {name} révèle des paiements vers le portefeuille bitcoin {wallet}.",
    ],
}
MESSAGE_TEMPLATES = {
    "es": [
        "Estimados colegas:\n\nSe informa la detención en {place} de {name}, de nacionalidad {nat}, quien portaba el pasaporte {passport}. Se le incautó un teléfono con el número {phone}.\n\nCordialmente,\nOficina Central Nacional",
        "Estimados:\n\nSolicitamos información sobre {name} (alias {alias}), vinculado al vehículo placa {plate}. Tel. de contacto conocido: {phone}.\n\nAtte.,\nOCN",
        "Colegas,\n\nEn relación a su consulta, {name} registra movimientos con {name2} en {place}. Cuenta asociada: {iban}.\n\nSaludos cordiales",
    ],
    "pt": [
        "Prezados,\n\nInformamos que {name}, de nacionalidade {nat}, foi preso em {place} portando o passaporte {passport}. Telefone apreendido: {phone}.\n\nAtenciosamente,\nEscritório Central Nacional",
        "Prezados colegas,\n\nSolicitamos dados sobre {name} (vulgo '{alias}'), ligado ao veículo placa {plate}.\n\nAtt.",
    ],
    "en": [
        "Dear colleagues,\n\nPlease be advised that {name}, a {nat} national, was arrested in {place} carrying passport {passport}. A phone {phone} was seized.\n\nBest regards,\nNCB",
        "Colleagues,\n\nRequest for information on {name} a.k.a. {alias}, associated with {name2} and vehicle {plate}.\n\nRegards",
    ],
    "fr": [
        "Chers collègues,\n\nNous vous informons de l'interpellation à {place} de {name}, de nationalité {nat}, porteur du passeport {passport}. Téléphone saisi : {phone}.\n\nCordialement,\nBCN",
        "Chers collègues,\n\nDemande de renseignements concernant {name} dit '{alias}', lié au véhicule {plate} et au compte {iban}.\n\nBien à vous",
    ],
}
ATTACHMENT_TEMPLATES = {  # seizure record (PDF), supplementary report (DOCX), identifier list (CSV)
    "pdf": {
        "es": "Acta de incautación\nFecha: {ref}\nElementos: pasaporte {passport}; teléfono {phone}.\nVehículo placa {plate}, VIN {vin}.\nCuenta {iban}.",
        "pt": "Auto de apreensão\nRef.: {ref}\nItens: passaporte {passport}; celular {phone}.\nVeículo placa {plate}, chassi {vin}.\nConta {iban}.",
        "en": "Seizure record\nRef: {ref}\nItems: passport {passport}; mobile phone {phone}.\nVehicle plate {plate}, VIN {vin}.\nAccount {iban}.",
        "fr": "Procès-verbal de saisie\nRéf. : {ref}\nObjets : passeport {passport} ; téléphone {phone}.\nVéhicule {plate}, VIN {vin}.\nCompte {iban}.",
    },
    "docx": {
        "es": "Informe ampliatorio sobre {name}. Teléfono {phone}. Pasaporte {passport}.",
        "pt": "Relatório complementar sobre {name}. Telefone {phone}. Passaporte {passport}.",
        "en": "Supplementary report on {name}. Phone {phone}. Passport {passport}.",
        "fr": "Rapport complémentaire concernant {name}. Tél. {phone}. Passeport {passport}.",
    },
    "passport_copy": {
        "es": "Copia de pasaporte de {name}\n{mrz}",
        "pt": "Cópia do passaporte de {name}\n{mrz}",
        "en": "Copy of the passport of {name}\n{mrz}",
        "fr": "Copie du passeport de {name}\n{mrz}",
    },
    "csv": {
        "es": "tipo,valor\ntelefono,{phone}\npasaporte,{passport}\nplaca,{plate}\n",
        "pt": "tipo,valor\ntelefone,{phone}\npassaporte,{passport}\nplaca,{plate}\n",
        "en": "type,value\nphone,{phone}\npassport,{passport}\nplate,{plate}\n",
        "fr": "type,valeur\ntelephone,{phone}\npasseport,{passport}\nimmatriculation,{plate}\n",
    },
}
SUBJECTS = {
    "es": ["Detención de ciudadano {nat} en {place}", "Solicitud de información - {name}", "Consulta urgente ref. {ref}"],
    "pt": ["Prisão de cidadão em {place}", "Pedido de informações - {name}", "Consulta ref. {ref}"],
    "en": ["Arrest in {place}", "Request for information - {name}", "Query ref. {ref}"],
    "fr": ["Interpellation à {place}", "Demande de renseignements - {name}", "Requête réf. {ref}"],
}
_SLOT = re.compile(r"\{(\w+)\}")
ENTITY_SLOTS = {"name": "person", "name2": "person", "phone": "phone", "passport": "identity_document",
                "plate": "plate", "vin": "vehicle", "iban": "account", "email": "email", "place": "location",
                "imei": "imei", "wallet": "crypto_wallet", "mrz": "identity_document", **PROSE_SLOTS}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    entity_type: str
    text: str
    canonical: str
    person_id: str | None


def slots_of(template: str) -> set[str]:
    return set(_SLOT.findall(template))


def render(template: str, values: dict[str, tuple[str, str, str | None]]) -> tuple[str, list[Span]]:
    """Fills ``{slot}``s with (as written, canonical, person id); returns text and planted spans."""
    out: list[str] = []
    spans: list[Span] = []
    position = 0
    cursor = 0
    for match in _SLOT.finditer(template):
        literal = template[cursor:match.start()]
        out.append(literal)
        position += len(literal)
        written, canonical, person_id = values[match.group(1)]
        if match.group(1) in ENTITY_SLOTS:
            spans.append(Span(position, position + len(written), ENTITY_SLOTS[match.group(1)], written, canonical,
                              person_id))
        out.append(written)
        position += len(written)
        cursor = match.end()
    out.append(template[cursor:])
    return "".join(out), spans


def pick(rng: random.Random, table: dict[str, list[str]], language: str) -> str:
    return rng.choice(table[language])
