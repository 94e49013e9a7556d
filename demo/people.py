"""The demo unit: a made-up roster of officers, who works where, who is away, and generated portraits.

Every person here is fictional. Work phones are in the 555-0100 to 555-0199 range that North American
numbering keeps for fiction, e-mails are under the reserved .example domain, and portraits are drawn from
the initials (nothing is downloaded).

The coverage plan tells a story the coverage board can show on any day:
- BO-02 "Harmonie – Parc industriel" had a constable on a pilot until 2025-06-30; she then moved to the
  neighbouring Vieux-Boucherville as second officer and BO-02 has been vacant since;
- Greenfield Park changed hands in 2024: its first constable moved to Saint-Lambert when community policing
  started there (2024-09-03) and a new constable took Greenfield Park over the same day;
- the unit's social worker works alongside the constables of three Vieux-Longueuil sectors;
- absences are relative to the day the demo is seeded: one constable is away with a neighbour covering, one
  is away with nobody covering (in a sector without a second officer), one leaves on vacation in three weeks.
"""

from __future__ import annotations

import colorsys
import datetime
import hashlib
import unicodedata
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

EMAIL_DOMAIN = "demo.proximite.example"
DEFAULT_START = datetime.date(2023, 9, 1)  # for a sector that has no programme start date

CONSTABLE = "constable"
SUPERVISOR = "supervisor"
SOCIAL_WORKER = "social_worker"
CIVILIAN = "civilian"

PRIMARY = "primary"
SECONDARY = "secondary"


@dataclass(frozen=True)
class DemoOfficer:
    badge_number: str
    first_name: str
    last_name: str
    role: str
    work_phone: str  # E.164
    languages: tuple[str, ...]  # Language codes; French always among them
    modes: str  # patrol modes: "f" on foot, "b" by bike, "c" by car
    bio_fr: str
    bio_en: str
    is_published: bool = True
    username: str = ""  # a staff account linked to the officer, made by the demo; "" for none

    @property
    def work_email(self) -> str:
        return f"{_ascii_slug(self.first_name)}.{_ascii_slug(self.last_name)}@{EMAIL_DOMAIN}"

    @property
    def initials(self) -> str:
        """Without accents (É → E): the font drawn with, Pillow's built-in one, has no accented capitals."""
        return (_ascii_slug(self.first_name)[:1] + _ascii_slug(self.last_name)[:1]).upper()


@dataclass(frozen=True)
class DemoAccount:
    """A staff account that is not an officer's (an officer's account is named by DemoOfficer.username)."""

    username: str
    first_name: str
    last_name: str
    group: str


@dataclass(frozen=True)
class DemoAssignment:
    badge_number: str
    sector: str  # code
    role: str = PRIMARY
    starts_on: str | None = None  # ISO date; None: the sector's programme start (DEFAULT_START if none)
    ends_on: str | None = None  # ISO date; None: until further notice
    note: str = ""


@dataclass(frozen=True)
class DemoAbsence:
    """An absence kept current: its dates count from the day the demo is seeded."""

    badge_number: str
    reason: str  # private; also how the demo finds its own absence again, so keep it unique per officer
    starts_in: int  # days from today (negative: already started)
    ends_in: int
    covering_badge_number: str | None = None

    def dates(self, today: datetime.date) -> tuple[datetime.date, datetime.date]:
        return today + datetime.timedelta(days=self.starts_in), today + datetime.timedelta(days=self.ends_in)


def _phone(last_two_digits: int) -> str:
    """A work cell in the 450 area code, in the fictional 555-0100 to 555-0199 range, stored E.164."""
    return f"+1450555{100 + last_two_digits:04d}"


# fmt: off
OFFICERS: tuple[DemoOfficer, ...] = (
    # --- constables, in sector order ---
    DemoOfficer(
        "SPAL-1042", "Marie-Ève", "Tremblay", CONSTABLE, _phone(42), ("fr", "en"), "fb",
        "Patrouille à pied et à vélo dans le Vieux-Longueuil depuis le lancement de la police de proximité.",
        "Has patrolled Old Longueuil on foot and by bike since community policing began.",
        username="marie-eve.tremblay",  # logs her contacts from her phone
    ),
    DemoOfficer(
        "SPAL-1057", "Jean-François", "Bélanger", CONSTABLE, _phone(57), ("fr", "en"), "bc",
        "Connaît chaque parc et chaque école de la Collectivité-Nouvelle.",
        "Knows every park and school in Collectivité-Nouvelle.",
    ),
    DemoOfficer(
        "SPAL-1063", "Jameson", "Désir", CONSTABLE, _phone(63), ("fr", "ht", "en"), "fc",
        "Travaille de près avec les organismes communautaires et les familles de Fatima.",
        "Works closely with the community groups and families of Fatima.",
    ),
    DemoOfficer(
        "SPAL-1071", "Karim", "Benali", CONSTABLE, _phone(71), ("fr", "ar", "en"), "fb",
        "Ancien entraîneur de soccer, il tient une permanence au centre communautaire de LeMoyne.",
        "A former soccer coach, he holds office hours at the LeMoyne community centre.",
    ),
    DemoOfficer(
        "SPAL-1078", "Catalina", "Restrepo", CONSTABLE, _phone(78), ("fr", "es", "en"), "fb",
        "Arrivée de Medellín enfant, elle accompagne les nouveaux arrivants de Coteau-Rouge.",
        "Arrived from Medellín as a child; she helps newcomers settle in Coteau-Rouge.",
    ),
    DemoOfficer(
        "SPAL-1084", "Mathieu", "Gagnon", CONSTABLE, _phone(84), ("fr",), "c",
        "Patrouille le Parcours-du-Cerf en voiture, surtout autour des écoles et des aînés.",
        "Patrols Parcours-du-Cerf by car, with an eye on schools and seniors.",
        is_published=False,  # has not consented to appear on the public site
    ),
    DemoOfficer(
        "SPAL-1090", "Sophie", "Lavoie", CONSTABLE, _phone(90), ("fr", "en"), "bc",
        "Responsable des liens avec les commerçants du boulevard Laflèche.",
        "The contact of the merchants along boulevard Laflèche.",
    ),
    DemoOfficer(
        "SPAL-1096", "Patrick", "O'Neill", CONSTABLE, _phone(96), ("en", "fr"), "c",
        "Couvre le secteur de l'aéroport et le quartier Iberville.",
        "Covers the airport area and the Iberville neighbourhood.",
    ),
    DemoOfficer(
        "SPAL-1103", "Nadia", "Haddad", CONSTABLE, _phone(3), ("fr", "ar", "en"), "fc",
        "Organise chaque été des cafés-rencontres avec les résidents des Maraîchers.",
        "Runs coffee meetings with Maraîchers residents every summer.",
    ),
    DemoOfficer(
        "SPAL-1019", "Luc", "Bergeron", CONSTABLE, _phone(19), ("fr",), "fc",
        "Premier policier de quartier de Greenfield Park, il a lancé le programme à Saint-Lambert en 2024.",
        "Greenfield Park's first community officer, he launched the programme in Saint-Lambert in 2024.",
    ),
    DemoOfficer(
        "SPAL-1112", "Emily", "Campbell", CONSTABLE, _phone(12), ("en", "fr"), "fb",
        "A grandi à Greenfield Park et y patrouille depuis septembre 2024.",
        "Grew up in Greenfield Park and has patrolled it since September 2024.",
    ),
    DemoOfficer(
        "SPAL-1118", "Minh-Tuan", "Nguyen", CONSTABLE, _phone(18), ("fr", "vi", "en"), "fc",
        "Bien connu des commerçants du boulevard Taschereau et du quartier Panama.",
        "Well known to the merchants of boulevard Taschereau and the Panama area.",
    ),
    DemoOfficer(
        "SPAL-1125", "Alexandre", "Fortin", CONSTABLE, _phone(25), ("fr", "en"), "bc",
        "Patrouille le Quartier DIX30, ses commerces et ses nouveaux ensembles résidentiels.",
        "Patrols the DIX30 district, its shops and its new residential buildings.",
    ),
    DemoOfficer(
        "SPAL-1131", "Daniela", "Morales", CONSTABLE, _phone(31), ("fr", "es", "en"), "fc",
        "Anime des ateliers de prévention dans les écoles du secteur L.",
        "Runs prevention workshops in the schools of Secteur L.",
    ),
    DemoOfficer(
        "SPAL-1137", "Étienne", "Boucher", CONSTABLE, _phone(37), ("fr",), "fb",
        "Patrouille à pied et à vélo le long du fleuve, dans le Vieux-Boucherville.",
        "Patrols along the river on foot and by bike in Old Boucherville.",
    ),
    DemoOfficer(
        "SPAL-1026", "Geneviève", "Pelletier", CONSTABLE, _phone(26), ("fr", "en"), "bc",
        "A mené le projet pilote du parc industriel avant de rejoindre le Vieux-Boucherville en 2025.",
        "Led the industrial park pilot before joining Old Boucherville in 2025.",
    ),
    DemoOfficer(
        "SPAL-1144", "Simon", "Gauthier", CONSTABLE, _phone(44), ("fr", "en"), "bc",
        "Fait le lien avec les clubs de plein air et les résidents du Mont-Saint-Bruno.",
        "The link with outdoor clubs and the residents around Mont-Saint-Bruno.",
    ),
    # --- supervisors (sergeants), each with a demo staff account ---
    DemoOfficer(
        "SPAL-0712", "Isabelle", "Lachance", SUPERVISOR, _phone(50), ("fr", "en"), "c",
        "Sergente responsable des secteurs de Longueuil.",
        "Sergeant in charge of the Longueuil sectors.",
        username="isabelle.lachance",
    ),
    DemoOfficer(
        "SPAL-0738", "Marc-André", "Roy", SUPERVISOR, _phone(51), ("fr", "en", "es"), "c",
        "Sergent responsable des secteurs de Brossard, Boucherville, Saint-Bruno et Saint-Lambert.",
        "Sergeant in charge of the Brossard, Boucherville, Saint-Bruno and Saint-Lambert sectors.",
        username="marc-andre.roy",
    ),
    # --- civilians working with the constables ---
    DemoOfficer(
        "SPAL-5204", "Roseline", "Jean-Baptiste", SOCIAL_WORKER, _phone(60), ("fr", "ht", "en"), "f",
        "Travailleuse sociale, elle accompagne les policiers auprès des personnes vulnérables.",
        "A social worker who goes with the officers to meet vulnerable residents.",
    ),
    DemoOfficer(
        "SPAL-5211", "Hugo", "Lefebvre", CIVILIAN, _phone(65), ("fr", "en"), "fc",
        "Agent sociocommunautaire, il coordonne les projets avec les écoles et les organismes.",
        "A civilian community officer who coordinates projects with schools and community groups.",
    ),
)
# fmt: on

# Staff accounts that are nobody's officer record.
ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("olivier.nadeau", "Olivier", "Nadeau", "Analyst"),
    DemoAccount("lucie.gendron", "Lucie", "Gendron", "Privacy officer"),
)

# Group of the accounts linked to officers, by officer role.
ACCOUNT_GROUP_BY_ROLE = {SUPERVISOR: "Supervisor", CONSTABLE: "Officer"}

VACANT_SECTOR = "BO-02"

# In the order they are recorded; each is looked for by (officer, sector, role, first day) before it is made.
ASSIGNMENTS: tuple[DemoAssignment, ...] = (
    DemoAssignment("SPAL-1042", "VL-01"),
    DemoAssignment("SPAL-1057", "VL-02"),
    DemoAssignment("SPAL-1063", "VL-03"),
    DemoAssignment("SPAL-1071", "VL-04"),
    DemoAssignment("SPAL-1078", "VL-05"),
    DemoAssignment("SPAL-1084", "VL-06"),
    DemoAssignment("SPAL-1090", "SH-01"),
    DemoAssignment("SPAL-1096", "SH-02"),
    DemoAssignment("SPAL-1103", "SH-03"),
    DemoAssignment("SPAL-1118", "BR-01"),
    DemoAssignment("SPAL-1125", "BR-02"),
    DemoAssignment("SPAL-1131", "BR-03"),
    DemoAssignment("SPAL-1137", "BO-01"),
    DemoAssignment("SPAL-1144", "SB-01"),
    # Greenfield Park changed hands when Saint-Lambert joined the programme.
    DemoAssignment("SPAL-1019", "GP-01", ends_on="2024-09-02", note="Muté à Saint-Lambert."),
    DemoAssignment("SPAL-1019", "SL-01", starts_on="2024-09-03", note="Lancement du programme."),
    DemoAssignment("SPAL-1112", "GP-01", starts_on="2024-09-03", note="Remplace Luc Bergeron."),
    # The industrial park pilot ended: BO-02 is vacant, its constable is second officer next door.
    DemoAssignment("SPAL-1026", VACANT_SECTOR, ends_on="2025-06-30", note="Fin du projet pilote."),
    DemoAssignment(
        "SPAL-1026", "BO-01", role=SECONDARY, starts_on="2025-07-01", note="Arrivée du parc industriel."
    ),
    # The social worker, alongside the constables of three Vieux-Longueuil sectors.
    DemoAssignment("SPAL-5204", "VL-01", role=SECONDARY, starts_on="2024-01-15", note="Équipe mixte."),
    DemoAssignment("SPAL-5204", "VL-03", role=SECONDARY, starts_on="2024-01-15", note="Équipe mixte."),
    DemoAssignment("SPAL-5204", "VL-05", role=SECONDARY, starts_on="2024-01-15", note="Équipe mixte."),
)

ABSENCES: tuple[DemoAbsence, ...] = (
    # LeMoyne: away, covered by the neighbour from Fatima ("covered by a backup").
    DemoAbsence("SPAL-1071", "Formation (démo)", -3, 9, covering_badge_number="SPAL-1063"),
    # Quartier DIX30 has no second officer: away with nobody covering ("away, no cover").
    DemoAbsence("SPAL-1125", "Congé (démo)", -2, 5),
    # Laflèche: vacation in three weeks, covered by the neighbour from Maraîchers.
    DemoAbsence("SPAL-1090", "Vacances (démo)", 21, 34, covering_badge_number="SPAL-1103"),
)


# --- portraits --------------------------------------------------------------------------------------------

PORTRAIT_SIDE = 480


def demo_portrait(officer: DemoOfficer) -> bytes:
    """A 480×480 JPEG: the officer's initials, large, on a soft colour drawn from the badge number.

    The same officer always gets the same bytes: the colour comes from a hash of the badge, not from chance.
    """
    digest = hashlib.sha256(officer.badge_number.encode()).digest()
    hue = digest[0] / 255
    background = _rgb(hue, lightness=0.86, saturation=0.45)
    disc = _rgb(hue, lightness=0.74, saturation=0.40)
    ink = _rgb(hue, lightness=0.25, saturation=0.55)

    image = Image.new("RGB", (PORTRAIT_SIDE, PORTRAIT_SIDE), background)
    draw = ImageDraw.Draw(image)
    margin = PORTRAIT_SIDE // 10
    draw.ellipse((margin, margin, PORTRAIT_SIDE - margin, PORTRAIT_SIDE - margin), fill=disc)
    font = ImageFont.load_default(size=PORTRAIT_SIDE // 3)
    centre = PORTRAIT_SIDE / 2
    draw.text((centre, centre), officer.initials, fill=ink, font=font, anchor="mm")

    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _rgb(hue: float, *, lightness: float, saturation: float) -> tuple[int, int, int]:
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
    return round(red * 255), round(green * 255), round(blue * 255)


def _ascii_slug(name: str) -> str:
    """Marie-Ève → marie-eve, O'Neill → oneill: the local part of a work e-mail."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in letters.lower().replace(" ", "-") if c.isascii() and (c.isalnum() or c == "-"))
