"""A generic lexicon of the world's states and international bodies, independent of any document.

Each state comes with its capital(s) (news text says "Tehran" for Iran's government), demonyms
("Iranian") and common other names. It is written from general knowledge, not from the corpus, so
that the proposer recognises states in a document it has never seen; the corpus's own actors
(actors.yaml) are added on top by the gazetteer. Ids follow actors.yaml (spaces become "_").
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Entry:
    id: str
    cls: str
    label: str
    alt_labels: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()      # used for the state's government ("Tehran denied ...")
    demonyms: tuple[str, ...] = ()      # adjectives and nouns ("Iranian", "Iranians")
    group_words: tuple[str, ...] = field(default=())


# label | capitals | demonyms | other names
_STATES = """
Afghanistan|Kabul|Afghan,Afghans|
Albania|Tirana|Albanian|
Algeria|Algiers|Algerian,Algerians|
Argentina|Buenos Aires|Argentine,Argentinian|
Armenia|Yerevan|Armenian,Armenians|
Australia|Canberra|Australian,Australians|
Austria|Vienna|Austrian|
Azerbaijan|Baku|Azerbaijani,Azeri|
Bahrain|Manama|Bahraini,Bahrainis|
Bangladesh|Dhaka|Bangladeshi|
Belarus|Minsk|Belarusian|
Belgium|Brussels|Belgian|
Bolivia|La Paz|Bolivian|
Brazil|Brasília,Brasilia|Brazilian|
Bulgaria|Sofia|Bulgarian|
Canada|Ottawa|Canadian,Canadians|
Chad|N'Djamena|Chadian|
Chile|Santiago|Chilean|
China|Beijing|Chinese|People's Republic of China,PRC
Colombia|Bogotá,Bogota|Colombian|
Cuba|Havana|Cuban,Cubans|
Cyprus|Nicosia|Cypriot|
Czechia|Prague|Czech|Czech Republic
Denmark|Copenhagen|Danish|
Djibouti|Djibouti City|Djiboutian|
Egypt|Cairo|Egyptian,Egyptians|
Eritrea|Asmara|Eritrean|
Ethiopia|Addis Ababa|Ethiopian,Ethiopians|
Finland|Helsinki|Finnish|
France|Paris|French|
Georgia|Tbilisi|Georgian|
Germany|Berlin|German,Germans|
Greece|Athens|Greek,Greeks|
Hungary|Budapest|Hungarian|
India|New Delhi,Delhi|Indian,Indians|
Indonesia|Jakarta|Indonesian|
Iran|Tehran|Iranian,Iranians|Islamic Republic,Islamic Republic of Iran,Persia
Iraq|Baghdad|Iraqi,Iraqis|
Ireland|Dublin|Irish|
Israel|Jerusalem|Israeli,Israelis|
Italy|Rome|Italian,Italians|
Japan|Tokyo|Japanese|
Jordan|Amman|Jordanian,Jordanians|
Kazakhstan|Astana|Kazakh|
Kenya|Nairobi|Kenyan|
Kuwait|Kuwait City|Kuwaiti,Kuwaitis|
Kyrgyzstan|Bishkek|Kyrgyz|
Lebanon|Beirut|Lebanese|
Libya|Tripoli|Libyan,Libyans|
Malaysia|Kuala Lumpur|Malaysian|
Mali|Bamako|Malian|
Mauritania|Nouakchott|Mauritanian|
Mexico|Mexico City|Mexican|
Morocco|Rabat|Moroccan,Moroccans|
Myanmar|Naypyidaw|Burmese|Burma
Netherlands|Amsterdam,The Hague|Dutch|Holland
Nicaragua|Managua|Nicaraguan|
Niger|Niamey|Nigerien|
Nigeria|Abuja|Nigerian,Nigerians|
North Korea|Pyongyang|North Korean,North Koreans|DPRK
Norway|Oslo|Norwegian|
Oman|Muscat|Omani,Omanis|
Pakistan|Islamabad|Pakistani,Pakistanis|
Palestine|Ramallah|Palestinian,Palestinians|State of Palestine
Philippines|Manila|Filipino|
Poland|Warsaw|Polish|
Portugal|Lisbon|Portuguese|
Qatar|Doha|Qatari,Qataris|
Romania|Bucharest|Romanian|
Russia|Moscow,Kremlin|Russian,Russians|Russian Federation
Saudi Arabia|Riyadh|Saudi,Saudis|Kingdom of Saudi Arabia
Serbia|Belgrade|Serbian,Serbs|
Somalia|Mogadishu|Somali,Somalis|
South Africa|Pretoria|South African|
South Korea|Seoul|South Korean,South Koreans|
South Sudan|Juba|South Sudanese|
Spain|Madrid|Spanish|
Sudan|Khartoum|Sudanese|
Sweden|Stockholm|Swedish|
Switzerland|Bern|Swiss|
Syria|Damascus|Syrian,Syrians|
Taiwan|Taipei|Taiwanese|
Tajikistan|Dushanbe|Tajik|
Tunisia|Tunis|Tunisian|
Turkey|Ankara|Turkish,Turks|Türkiye,Turkiye
Turkmenistan|Ashgabat|Turkmen|
Ukraine|Kyiv,Kiev|Ukrainian,Ukrainians|
United Arab Emirates|Abu Dhabi|Emirati,Emiratis|UAE
United Kingdom|London|British,Briton,Britons|UK,Britain,Great Britain
United States|Washington|American,Americans|US,U.S.,USA,United States of America,America
Uzbekistan|Tashkent|Uzbek|
Venezuela|Caracas|Venezuelan,Venezuelans|
Vietnam|Hanoi|Vietnamese|
Yemen|Sanaa,Sana'a|Yemeni,Yemenis|
"""

_ORGANISATIONS = """
United Nations|UN,U.N.
United Nations Security Council|UN Security Council,U.N. Security Council,Security Council
European Union|EU
NATO|North Atlantic Treaty Organization
Arab League|League of Arab States
African Union|AU
Gulf Cooperation Council|GCC
Organisation of Islamic Cooperation|Organization of Islamic Cooperation,OIC
Shanghai Cooperation Organisation|Shanghai Cooperation Organization,SCO
International Atomic Energy Agency|IAEA
BRICS|
OPEC|Organization of the Petroleum Exporting Countries
"""


def _split(cell: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in cell.split(",") if x.strip())


def entries() -> list[Entry]:
    out = []
    for row in _STATES.strip().splitlines():
        label, capitals, demonyms, alt = (row.split("|") + [""] * 4)[:4]
        out.append(Entry(label.replace(" ", "_"), "State", label, _split(alt), _split(capitals), _split(demonyms)))
    for row in _ORGANISATIONS.strip().splitlines():
        label, alt = (row.split("|") + [""])[:2]
        out.append(Entry(label.replace(" ", "_"), "InternationalOrganization", label, _split(alt)))
    return out
