"""The demo program's own texts (see program.py): the rooms' accessibility notes
and hours, the keynotes and their speakers, and the sessions the programme committee
invited besides the confirmed proposals."""

from datetime import time

# Room name → (accessibility notes, opens, closes); the rooms are made in __init__.py.
ROOMS = {
    "Stora salen": (
        "Hörslinga, stegfritt. Rullstolsplatser på parkett, teckenspråkstolkning av alla keynotes.",
        time(8, 0),
        time(18, 0),
    ),
    "Sal A": ("Hörslinga, stegfritt via hiss från entréplanet.", time(8, 30), time(17, 30)),
    "Sal B": ("Hörslinga på de fem första raderna, stegfritt.", time(8, 30), time(17, 30)),
    "Studion": (
        "Stegfritt. Ingen fast hörslinga – en portabel finns att låna i receptionen.",
        time(8, 30),
        time(17, 30),
    ),
    "Workshoprum 1": ("Stegfritt, höj- och sänkbara bord.", time(9, 0), time(17, 0)),
    "Workshoprum 2": (
        "Stegfritt, dämpad belysning; tyst rum i anslutning.",
        time(9, 0),
        time(17, 0),
    ),
}

# Opening and closing keynotes, two a day, in the big room:
# (title, abstract, language, (email, name, organisation, title, bio)).
KEYNOTES = [
    (
        "Från pilot till praxis: därför sprids inte goda idéer av sig själva",
        "Sverige är fullt av lyckade pilotprojekt som aldrig blev ordinarie verksamhet. "
        "Vad skiljer de idéer som sprids från dem som stannar i en projektrapport? Om "
        "mottagarkapacitet, finansiering och modet att sluta göra något annat.",
        "sv",
        (
            "helena.stahl@example.org",
            "Helena Ståhl",
            "Malmö universitet",
            "Professor i innovationsledning",
            "Helena forskar om hur sociala innovationer sprids mellan kommuner och regioner.",
        ),
    ),
    (
        "Tillit som infrastruktur",
        "När en kommun slutar detaljstyra och börjar lita på sina medarbetare och "
        "invånare händer något – men inte alltid det man tänkt sig. En kommundirektör "
        "berättar om tio år av tillitsbaserad styrning, med misstagen.",
        "sv",
        (
            "mikael.ruuth@example.org",
            "Mikael Ruuth",
            "Härnösands kommun",
            "Kommundirektör",
            "Mikael har lett kommuner i Norrland i femton år och skriver om offentlig ledning.",
        ),
    ),
    (
        "Social innovation in the Nordics: what the next ten years demand",
        "Ageing populations, climate adaptation and growing inequality meet welfare states "
        "built for another century. What the Nordic countries can learn from each other, "
        "and where they need to stop copying.",
        "en",
        (
            "leila.mansour@example.org",
            "Leila Mansour",
            "Nordiskt centrum för social innovation",
            "Director",
            "Leila leads a Nordic network of social innovation labs in five countries.",
        ),
    ),
    (
        "Unga röster: ett samtal om framtidens välfärd",
        "Tre unga organisatörer samtalar om vad de vill ärva – och vad de vill ändra – "
        "i välfärden, lett av en ordförande som själv började i en fritidsgård.",
        "sv",
        (
            "amira.johansson@example.org",
            "Amira Johansson",
            "Unga Förändrare",
            "Ordförande",
            "Amira startade sitt första ungdomsråd som femtonåring i Rosengård.",
        ),
    ),
    (
        "Ekonomi som tjänar samhället",
        "Den sociala ekonomin har klarat pandemi, inflation och förändrade bidragsregler. "
        "Vad har den lärt oss om motståndskraft, och vad behöver den av politiken nu?",
        "sv",
        (
            "per-olof.nilsson@example.org",
            "Per-Olof Nilsson",
            "Coompanion Sverige",
            "Verksamhetschef",
            "Per-Olof har startat och rådgett kooperativ i trettio år.",
        ),
    ),
    (
        "Vad tar vi med oss hem? Avslutning av Social Innovation Summit 2027",
        "Programrådet sammanfattar tre dagar: vad vi hörde, vad som förvånade och vad vi "
        "gör till nästa år. Med tack till alla talare och volontärer.",
        "sv",
        (
            "anna.kjellberg@example.org",
            "Anna Kjellberg",
            "Mötesplats Social Innovation",
            "Programansvarig",
            "Anna leder programrådet för Social Innovation Summit.",
        ),
    ),
]

# The keynote speaker who can only come on the second morning (a stated availability).
AVAILABLE_ONLY = "leila.mansour@example.org"

# Sessions the committee invited: (title, track, language). Tracks: 0 civil society,
# 1 public sector, 2 social economy, 3 research, 4 business.
INVITED_TALKS = [
    ("Fritidsbanken: att låna i stället för att köpa", 0, "sv"),
    ("Nattvandrare i nya former: trygghet genom närvaro", 0, "sv"),
    ("Mötesplatser för äldre på landsbygden", 0, "sv"),
    ("Volunteering after arrival: newcomers as organisers", 0, "en"),
    ("Barnrättsbaserad budget i kommunen", 1, "sv"),
    ("Socialt hållbar upphandling i regionen: tre år senare", 1, "sv"),
    ("Hälsofrämjande skolor: data som följer eleven", 1, "sv"),
    ("Service design in a Danish municipality: the Aarhus case", 1, "en"),
    ("Sociala företag i kriminalvården: jobb efter avtjänat straff", 2, "sv"),
    ("Matsvinn blir måltider: ett socialt företag växer", 2, "sv"),
    ("Den sociala ekonomins siffror: vad säger statistiken?", 2, "sv"),
    ("Social procurement in Finland: lessons for Sweden", 2, "en"),
    ("Vad gör en innovation social? Ett forskningsperspektiv", 3, "sv"),
    ("Medborgarforskning: när invånare samlar in data", 3, "sv"),
    ("Skolan som mötesplats: fältstudier från tre förorter", 3, "sv"),
    ("Measuring trust: a Nordic survey of local welfare", 3, "en"),
    ("Företag som tar ansvar för lokalsamhället: ett exempel från Norrland", 4, "sv"),
    ("Sociala obligationer: så fungerar de i praktiken", 4, "sv"),
    ("Praktikplatser som leder till jobb: näringslivets roll", 4, "sv"),
    ("Impact start-ups: from idea to investment in twelve months", 4, "en"),
]
INVITED_PANELS = [
    ("Välfärdens framtid: vem gör vad 2035?", 1, "sv"),
    ("Idéburen sektor under press: finansiering, frihet och förtroende", 0, "sv"),
    ("Sociala företag och kommunen: partner eller leverantör?", 2, "sv"),
    ("Forskare och praktiker vid samma bord", 3, "sv"),
    ("Klimat och rättvisa: en omställning för alla", 0, "sv"),
    ("Näringslivets samhällsansvar bortom hållbarhetsrapporten", 4, "sv"),
    ("Digital inclusion across the Nordics", 1, "en"),
    ("Unga entreprenörer om att starta för samhället", 2, "sv"),
    ("Att skala upp utan att tappa själen", 3, "sv"),
]
INVITED_WORKSHOPS = [
    ("Förändringsteori på en eftermiddag", 3, "sv"),
    ("Samskapande med invånare: metoder som fungerar", 1, "sv"),
    ("Pitcha din sociala idé för finansiärer", 4, "sv"),
]

# Breaks and lunch: (title, abstract).
MORNING_BREAK = (
    "Förmiddagsfika",
    "Kaffe, te och fikabröd i foajén. Glutenfritt och veganskt finns.",
)
AFTERNOON_BREAK = ("Eftermiddagsfika", "Kaffe, te och frukt i foajén.")
LUNCH = (
    "Lunch",
    "Lunch i restaurangen på plan 2 och i foajén. Berätta om specialkost när du registrerar dig.",
)

# What the second release says, and the talk it moves.
RELEASE_NOTES = ("Första programmet.", "En session flyttad till en större sal.")
