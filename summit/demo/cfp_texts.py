"""The demo call for speakers' texts: the call's introduction, about 80 proposal titles
from social innovation in Sweden and the Nordic countries, organisations, and the pieces
abstracts and review comments are made of (see cfp.py)."""

INTRO_SV = (
    "Vi söker praktiker och forskare som vill dela vad som fungerar – och vad som inte "
    "gjorde det – när samhällsutmaningar möts på nya sätt. Civilsamhälle, kommuner och "
    "regioner, sociala företag och akademin är lika välkomna.\n\n"
    "Föreslå ett föredrag (20 minuter), en workshop (90 minuter) eller ett panelsamtal "
    "(45 minuter). Programkommittén läser alla förslag utan att se namn och organisation."
)
INTRO_EN = (
    "We are looking for practitioners and researchers who want to share what works – and "
    "what did not – when societal challenges are met in new ways. Civil society, "
    "municipalities and regions, social enterprises and academia are equally welcome.\n\n"
    "Propose a talk (20 minutes), a workshop (90 minutes) or a panel (45 minutes). The "
    "programme committee reads every proposal without seeing names and organisations."
)

# (title, track: 0 civil society, 1 public sector, 2 social economy, 3 research,
#  4 business; format: 0 talk, 1 workshop, 2 panel)
TITLES_SV = [
    ("Läxhjälp som bygger broar: volontärer i tolv bostadsområden", 0, 0),
    ("När föreningen blir välfärdsaktör – lärdomar från tio år av IOP", 0, 2),
    ("Digital delaktighet för äldre: studiecirklar som når fram", 0, 0),
    ("Från bidrag till partnerskap: hur idéburna organisationer förhandlar", 0, 1),
    ("Unga leder förändringen: ungdomsråd med verklig makt", 0, 0),
    ("Mötesplatser som fungerar: öppna förskolor i civilsamhällets regi", 0, 0),
    ("Volontärer i kris: frivilligsamordning efter skogsbränderna", 0, 0),
    ("Att mäta det som räknas: effektmätning för små föreningar", 0, 1),
    ("Civilsamhällets roll i klimatomställningen på landsbygden", 0, 2),
    ("Kvinnojourer i förändring: från akut stöd till förebyggande arbete", 0, 0),
    ("Idrottsföreningen som integrationsmotor", 0, 0),
    ("Tillitsbaserad styrning i praktiken: en resa i Botkyrka", 1, 0),
    ("Sociala investeringsfonder – vad har de gett efter tio år?", 1, 2),
    ("Innovationslabb i kommunen: så testar vi nya idéer på riktigt", 1, 1),
    ("Tjänstedesign i socialtjänsten: med brukarna vid bordet", 1, 1),
    ("Samverkan kring barn i riskzon: ett lokalt BRÅ-arbete", 1, 0),
    ("Medborgarbudget i stadsdelen: erfarenheter från Göteborg", 1, 0),
    ("Upphandling som verktyg för social hållbarhet", 1, 1),
    ("Hemlöshet och Bostad först: från pilot till ordinarie verksamhet", 1, 0),
    ("Förebyggande arbete som lönar sig: kalkyler för skolans elevhälsa", 1, 0),
    ("Regionens roll i att skala upp sociala innovationer", 1, 2),
    ("Digitala tjänster som inte lämnar någon utanför", 1, 1),
    ("Äldreomsorg med nya ögon: tvärprofessionella team i Umeå", 1, 0),
    ("Arbetsintegrerande sociala företag: vägen från utanförskap till lön", 2, 0),
    ("Att bygga ett socialt företag som håller över tid", 2, 1),
    ("Kooperativ 2.0 – ägarskap som social innovation", 2, 2),
    ("Social ekonomi och offentliga upphandlingar: hinder och lösningar", 2, 0),
    ("Återbruk som arbetsplats: cirkulär ekonomi med social nytta", 2, 0),
    ("Finansiering för sociala entreprenörer: lån, bidrag eller kapital?", 2, 2),
    ("Yalla-modellen: kvinnors egen försörjning genom catering", 2, 0),
    ("Impact-mätning som investerare faktiskt läser", 2, 1),
    ("Sociala företag på landsbygden: service där marknaden inte räcker", 2, 0),
    ("Från projekt till verksamhet: att överleva efter ESF-pengarna", 2, 1),
    ("Följeforskning som gör skillnad: att lära medan man gör", 3, 1),
    ("Vad vet vi om social innovation i Norden? En kunskapsöversikt", 3, 0),
    ("Studenter som samhällsbyggare: tjänstelärande i högre utbildning", 3, 0),
    ("Forskningscirklar med socialsekreterare", 3, 1),
    ("Att utvärdera systemförändring: metoder bortom randomiserade studier", 3, 2),
    ("Medborgarforskning om trygghet i stadsdelen", 3, 0),
    ("Skolan som arena för social innovation", 3, 0),
    ("Design för jämlik hälsa: lärdomar från fem vårdcentraler", 3, 0),
    ("Samskapande forskning med unga i förorten", 3, 1),
    ("Vad gör en innovation social? Begrepp som hjälper praktiken", 3, 0),
    ("Näringslivets sociala ansvar bortom CSR-rapporten", 4, 2),
    ("Praktikplatser som leder till jobb: ett fastighetsbolags modell", 4, 0),
    ("Partnerskap mellan företag och idéburna: vem tjänar på vad?", 4, 2),
    ("Inkluderande rekrytering i industrin", 4, 0),
    ("Social hållbarhet i stadsutvecklingen: byggherrens ansvar", 4, 0),
    ("Mentorprogram som bryter segregationen på arbetsmarknaden", 4, 1),
    ("Tech for good: när startups löser kommunala problem", 4, 0),
    ("Hållbara leverantörskedjor och mänskliga rättigheter", 4, 0),
    ("Matsvinn blir måltider: samarbete mellan handel och föreningar", 0, 0),
    ("Brobyggare i skolan: kulturtolkar som stärker föräldrasamverkan", 1, 0),
    ("Fritidsbanken – att låna glädje", 0, 0),
    ("Lokala utvecklingsgrupper som driver byns framtid", 0, 1),
    ("Ensamhet bland unga vuxna: vad hjälper?", 3, 2),
    ("Psykisk hälsa på arbetsplatsen i sociala företag", 2, 0),
    ("Samordningsförbund som plattform för innovation", 1, 0),
    ("Sociala utfallskontrakt i Sverige: vad har vi lärt?", 1, 2),
    ("Hyresgäster som medskapare i renoveringen", 4, 1),
    ("Nattvandrare och fältarbete: trygghet genom närvaro", 0, 0),
    ("Så når vi dem som inte kommer till mötena", 1, 1),
    ("Från flykt till företagande: nyanländas entreprenörskap", 2, 0),
    ("Öppen data för social innovation", 3, 1),
    ("Kulturhuset som mötesplats över generationsgränser", 0, 0),
    ("Barnrättsbaserat arbete i kommunens verksamheter", 1, 0),
    ("Det sociala kontraktet i den gröna omställningen", 4, 2),
    ("Lärande nätverk mellan kommuner: så sprids det som fungerar", 1, 1),
    ("Idéburen vård: ett alternativ mellan offentligt och privat", 2, 2),
    ("Stadsodling som social mötesplats", 0, 0),
    ("AI i välfärden – möjligheter och etiska gränser", 3, 2),
    ("Folkbildningens roll i ett polariserat samhälle", 0, 0),
]
TITLES_EN = [
    ("Scaling social innovation across the Nordic countries", 3, 2),
    ("What Danish municipalities learnt from social impact bonds", 1, 0),
    ("Designing with refugees, not for them", 0, 1),
    ("Measuring social value in public procurement", 1, 0),
    ("Community wealth building: lessons from Preston", 2, 0),
    ("Youth-led innovation labs in Finland", 0, 1),
    ("Funding systems change: a philanthropy perspective", 4, 2),
    ("Participatory budgeting at scale: the Helsinki experience", 1, 0),
]

ORGANISATIONS = [
    # name, address part, kind of organisation
    ("Rädda Barnen", "raddabarnen", "civil"),
    ("Stockholms Stadsmission", "stadsmissionen", "civil"),
    ("Fryshuset", "fryshuset", "civil"),
    ("Skyddsvärnet", "skyddsvarnet", "civil"),
    ("Studieförbundet Vuxenskolan", "sv", "civil"),
    ("Hela Sverige ska leva", "helasverige", "civil"),
    ("Malmö stad", "malmo", "public"),
    ("Botkyrka kommun", "botkyrka", "public"),
    ("Göteborgs stad", "goteborg", "public"),
    ("Umeå kommun", "umea", "public"),
    ("Region Skåne", "skane", "public"),
    ("Region Västerbotten", "regionvasterbotten", "public"),
    ("Yalla Trappan", "yallatrappan", "social"),
    ("Coompanion", "coompanion", "social"),
    ("Vägen ut! kooperativen", "vagenut", "social"),
    ("Macken", "macken", "social"),
    ("Mitt Liv", "mittliv", "social"),
    ("Malmö universitet", "mau", "academia"),
    ("Lunds universitet", "lu", "academia"),
    ("Ersta Sköndal Bräcke högskola", "esh", "academia"),
    ("Umeå universitet", "umu", "academia"),
    ("Mittuniversitetet", "miun", "academia"),
    ("Riksbyggen", "riksbyggen", "business"),
    ("Skanska", "skanska", "business"),
    ("Vinnova", "vinnova", "public"),
]
TITLES_OF_PEOPLE = {
    "civil": ["Verksamhetschef", "Projektledare", "Samordnare", "Generalsekreterare"],
    "public": ["Utvecklingsstrateg", "Enhetschef", "Socialsekreterare", "Innovationsledare"],
    "social": ["Grundare", "Verksamhetsledare", "Affärsutvecklare"],
    "academia": ["Forskare", "Lektor", "Professor", "Doktorand"],
    "business": ["Hållbarhetschef", "HR-strateg", "Projektchef"],
}
AUDIENCES = [
    "Tjänstepersoner i kommuner och regioner",
    "Idéburna organisationer och föreningar",
    "Forskare, lärare och studenter",
    "Sociala entreprenörer",
    "Alla som arbetar med social innovation",
]
ABSTRACT_OPENINGS = [
    "Vi berättar om {topic} och vad vi har lärt oss på vägen.",
    "Sessionen bygger på tre års arbete med {topic}.",
    "Hur gör man {topic} på riktigt, och inte bara i projektform?",
    "Här delar vi konkreta verktyg och misstag från arbetet med {topic}.",
]
ABSTRACT_MIDDLES = [
    "Deltagarna får exempel från både storstad och landsbygd.",
    "Vi visar siffror på vad insatsen har gett, och vad den kostade.",
    "Samarbetet mellan kommun, förening och forskare står i centrum.",
    "Fokus ligger på de människor som insatsen är till för, och deras egna röster.",
    "Vi tar upp vad som gjorde att arbetet kunde fortsätta efter projekttiden.",
]
ABSTRACT_ENDS = [
    "Du går därifrån med en checklista att pröva i din egen verksamhet.",
    "Sessionen avslutas med frågor och samtal.",
    "Vi hoppas på ett samtal om hur fler kan göra likadant.",
    "Metoden är fri att använda, och vi delar allt material.",
]
ENGLISH_ABSTRACT = (
    "We share what we learnt from {topic}, with examples and figures from our own work. "
    "The session ends with questions and a conversation on how others can do the same."
)
COMMENTS = [
    "",
    "",
    "Tydligt och väl förankrat i praktiken.",
    "Intressant ämne, men upplägget behöver skärpas.",
    "Passar bra i spåret. Gärna fler konkreta exempel.",
    "Stark social påverkan, lite oklart vad deltagarna tar med sig.",
    "Liknar ett förslag vi hade förra året.",
    "Mycket relevant för kommunerna just nu.",
    "Bra att forskning och praktik möts här.",
    "Skulle passa bättre som workshop.",
]
