"""Word lists and fixed parameters the synthetic logistics company draws from.

Everything here is a constant: the regions the carrier serves, the industries of
its clients, the service lines it sells, its marketing channels and the cargo
profile of each industry, the road network of cities, seasonal profiles, tariffs
(RUB, net of VAT) and Russian names. Keeping them in one place keeps the generator modules
about processes, not about vocabulary.
"""

from __future__ import annotations

import numpy as np

#: Regions the carrier serves, with the share of clients in each.
REGIONS: tuple[str, ...] = ("Central", "North-West", "Volga", "Urals", "South", "Siberia")
REGION_WEIGHTS = np.array([0.34, 0.18, 0.16, 0.13, 0.11, 0.08])

#: Loading warehouses (towns) per region, used for the ``origin_warehouse`` intake item.
WAREHOUSES: dict[str, tuple[str, ...]] = {
    "Central": ("Podolsk", "Domodedovo", "Khimki", "Tver"),
    "North-West": ("Shushary", "Kolpino", "Pskov"),
    "Volga": ("Kazan", "Samara", "Nizhny Novgorod"),
    "Urals": ("Yekaterinburg", "Chelyabinsk", "Perm"),
    "South": ("Rostov-on-Don", "Krasnodar", "Novorossiysk"),
    "Siberia": ("Novosibirsk", "Krasnoyarsk", "Omsk"),
}

#: Client industries with their shares.
INDUSTRIES: tuple[str, ...] = (
    "retail",
    "FMCG",
    "construction",
    "manufacturing",
    "pharma",
    "automotive",
    "e-commerce",
    "agriculture",
    "chemicals",
)
INDUSTRY_WEIGHTS = np.array([0.17, 0.16, 0.13, 0.14, 0.07, 0.08, 0.11, 0.08, 0.06])

#: Cargo per industry: description, vehicle type, temperature regime ("" = none),
#: packaging, typical cargo value per truck.
CARGO: dict[str, tuple[str, str, str, str, float]] = {
    "retail": ("consumer goods", "20t tent", "", "pallets", 60_000.0),
    "FMCG": ("packaged food and drinks", "20t reefer", "+2..+25", "pallets", 45_000.0),
    "construction": ("building materials", "20t flatbed", "", "bulk", 25_000.0),
    "manufacturing": ("industrial equipment", "20t tent", "", "crates", 120_000.0),
    "pharma": ("medicines", "10t reefer", "+2..+8", "boxes", 250_000.0),
    "automotive": ("auto parts", "20t tent", "", "pallets", 90_000.0),
    "e-commerce": ("parcels", "5t van", "", "boxes", 35_000.0),
    "agriculture": ("grain and fertiliser", "25t grain truck", "", "bulk", 15_000.0),
    "chemicals": ("industrial chemicals", "20t tent", "+5..+25", "drums", 70_000.0),
}

#: Service lines sold by the carrier, and the usual main line per industry. The
#: trip lines (FTL, reefer, express) are priced per trip by distance, LTL per
#: consignment by weight and distance, warehousing per month, customs per declaration.
SERVICES: tuple[str, ...] = ("FTL", "LTL", "reefer", "warehousing", "customs", "express")
#: Lines whose orders follow the buy-till-you-die process (shipments with a lane).
TRANSPORT_SERVICES: tuple[str, ...] = ("FTL", "LTL", "reefer", "express")
#: Vehicle of each trip line per industry (FTL uses the industry's vehicle of CARGO,
#: a reefer trip the industry's reefer, express a van).
REEFER_VEHICLE = {"pharma": "10t reefer"}
MAIN_SERVICE: dict[str, str] = {
    "retail": "FTL",
    "FMCG": "reefer",
    "construction": "FTL",
    "manufacturing": "FTL",
    "pharma": "reefer",
    "automotive": "LTL",
    "e-commerce": "express",
    "agriculture": "FTL",
    "chemicals": "LTL",
}

#: Acquisition channels: share of won clients and the cost per acquired client
#: (RUB) that drives the acquisition spend lines. ``referral`` costs nothing.
ACQUISITION_CHANNELS: tuple[str, ...] = (
    "cold_calls",
    "search_ads",
    "exhibitions",
    "industry_portal",
    "website",
    "referral",
)
ACQUISITION_WEIGHTS = np.array([0.27, 0.22, 0.14, 0.15, 0.12, 0.10])
COST_PER_ACQUISITION = np.array([90_000.0, 130_000.0, 260_000.0, 100_000.0, 50_000.0, 0.0])

#: Spend lines kept for existing clients: (channel, purpose, target segment, base
#: monthly amount, amount per active client; RUB).
RETENTION_LINES: tuple[tuple[str, str, str, float, float], ...] = (
    ("loyalty_programme", "retention", "programme members", 40_000.0, 900.0),
    ("client_events", "retention", "key accounts", 0.0, 600.0),
    ("account_reviews", "retention", "all clients", 25_000.0, 300.0),
    ("cross_sell_campaigns", "development", "all clients", 30_000.0, 400.0),
    ("new_service_promotion", "development", "innovators", 15_000.0, 200.0),
)

#: Legal statuses (the ``legal_status`` codes of the clients table).
LEGAL_STATUSES: tuple[str, ...] = ("commercial", "individual", "government")
#: Legal forms of clients: (abbreviation, index into LEGAL_STATUSES, share of clients).
#: An individual entrepreneur (ИП) is a business, hence ``commercial``; ``individual``
#: is a private person (физическое лицо) moving goods of their own.
LEGAL_FORMS: tuple[tuple[str, int, float], ...] = (
    ("ООО", 0, 0.715),
    ("АО", 0, 0.075),
    ("ПАО", 0, 0.015),
    ("ИП", 0, 0.115),
    ("ГБУ", 2, 0.025),
    ("ФГУП", 2, 0.008),
    ("МУП", 2, 0.015),
    ("ГКУ", 2, 0.007),
    ("Администрация", 2, 0.005),
    ("физлицо", 1, 0.020),
)
LEGAL_FORM_WEIGHTS = np.array([w for _, _, w in LEGAL_FORMS]) / sum(w for _, _, w in LEGAL_FORMS)
LEGAL_FORM_STATUS = np.array([status for _, status, _ in LEGAL_FORMS])
#: Probability that a buyer signs a framework contract, by legal status
#: (commercial, individual, government): state bodies buy under procurement contracts.
CONTRACT_PROPENSITY = np.array([0.48, 0.03, 0.92])

#: Price reaction and novelty attitude shares.
PRICE_REACTIONS: tuple[str, ...] = ("rational", "prestige", "apathetic", "ethical")
PRICE_WEIGHTS = np.array([0.52, 0.10, 0.20, 0.18])
NOVELTY_ATTITUDES: tuple[str, ...] = ("innovator", "progressive", "sceptic", "conservative")
NOVELTY_WEIGHTS = np.array([0.06, 0.27, 0.37, 0.30])

#: Behaviour types; the first is chosen more often by satisfied clients, the three
#: after ``difficult`` by unsatisfied ones.
BEHAVIOURS: tuple[str, ...] = (
    "loyal",
    "demanding",
    "difficult",
    "conflict_prone",
    "capricious",
    "problematic",
)

#: Manager roles with their shares and client capacity.
MANAGER_ROLES: tuple[str, ...] = ("hunter", "farmer", "universal")
ROLE_WEIGHTS = np.array([0.3, 0.4, 0.3])
ROLE_CAPACITY = np.array([50.0, 80.0, 65.0])
SPECIALISATIONS: tuple[str, ...] = (
    "key accounts",
    "small and medium business",
    "retail and FMCG",
    "industrial clients",
    "temperature-controlled cargo",
    "government tenders",
)

#: Touchpoint channels with their shares and median duration in minutes.
TOUCH_CHANNELS: tuple[str, ...] = ("phone", "email", "messenger", "meeting", "web", "event")
TOUCH_CHANNEL_WEIGHTS = np.array([0.40, 0.29, 0.14, 0.10, 0.05, 0.02])
TOUCH_MEDIAN_MINUTES = np.array([6.0, 12.0, 4.0, 60.0, 8.0, 120.0])

#: Service dimensions rated in satisfaction surveys, with the mean gap
#: (perceived - expected) for an average client.
SURVEY_DIMENSIONS: tuple[str, ...] = (
    "punctuality",
    "cargo_safety",
    "communication",
    "documents",
    "price",
)
DIMENSION_GAP = np.array([-0.6, 0.2, -0.2, -0.4, -0.8])

#: Free-text intake answers.
POWER_OF_ATTORNEY: tuple[str, ...] = ("originals", "copies", "none", "with invoice")
TARIFF_MECHANISMS: tuple[str, ...] = (
    "fixed for the contract term",
    "quarterly indexation",
    "monthly fuel surcharge",
    "by written agreement",
)
PAYMENT_TERMS_DAYS = np.array([0, 14, 30, 45, 60, 90])

#: Road network: city -> (federal district of REGIONS or "", latitude, longitude,
#: freight weight as a destination, backhaul availability 0..1, INN region code).
#: Backhaul availability drives the empty run: a truck unloading in a hub finds a
#: return load quickly, one unloading in a remote town runs back empty.
CITIES: dict[str, tuple[str, float, float, float, float, str]] = {
    "Москва": ("Central", 55.76, 37.62, 10.0, 1.00, "77"),
    "Подольск": ("Central", 55.43, 37.54, 1.5, 0.85, "50"),
    "Химки": ("Central", 55.89, 37.44, 1.5, 0.85, "50"),
    "Домодедово": ("Central", 55.44, 37.77, 1.2, 0.85, "50"),
    "Тверь": ("Central", 56.86, 35.90, 1.0, 0.55, "69"),
    "Тула": ("Central", 54.19, 37.62, 1.0, 0.60, "71"),
    "Ярославль": ("Central", 57.63, 39.87, 1.0, 0.55, "76"),
    "Воронеж": ("Central", 51.66, 39.20, 1.5, 0.65, "36"),
    "Рязань": ("Central", 54.63, 39.74, 0.8, 0.50, "62"),
    "Белгород": ("Central", 50.60, 36.59, 0.8, 0.55, "31"),
    "Санкт-Петербург": ("North-West", 59.94, 30.31, 6.0, 0.90, "78"),
    "Колпино": ("North-West", 59.75, 30.59, 0.8, 0.80, "78"),
    "Псков": ("North-West", 57.82, 28.33, 0.6, 0.35, "60"),
    "Великий Новгород": ("North-West", 58.52, 31.27, 0.6, 0.40, "53"),
    "Вологда": ("North-West", 59.22, 39.89, 0.6, 0.35, "35"),
    "Петрозаводск": ("North-West", 61.79, 34.36, 0.5, 0.25, "10"),
    "Архангельск": ("North-West", 64.54, 40.54, 0.5, 0.15, "29"),
    "Мурманск": ("North-West", 68.97, 33.07, 0.5, 0.10, "51"),
    "Казань": ("Volga", 55.79, 49.12, 2.5, 0.70, "16"),
    "Самара": ("Volga", 53.20, 50.15, 2.0, 0.65, "63"),
    "Нижний Новгород": ("Volga", 56.33, 44.00, 2.0, 0.70, "52"),
    "Уфа": ("Volga", 54.74, 55.97, 1.5, 0.55, "02"),
    "Тольятти": ("Volga", 53.51, 49.42, 1.0, 0.55, "63"),
    "Саратов": ("Volga", 51.53, 46.03, 1.0, 0.45, "64"),
    "Ульяновск": ("Volga", 54.31, 48.40, 0.7, 0.40, "73"),
    "Оренбург": ("Volga", 51.77, 55.10, 0.7, 0.35, "56"),
    "Екатеринбург": ("Urals", 56.84, 60.61, 3.0, 0.80, "66"),
    "Челябинск": ("Urals", 55.16, 61.40, 2.0, 0.60, "74"),
    "Пермь": ("Urals", 58.01, 56.25, 1.5, 0.50, "59"),
    "Тюмень": ("Urals", 57.15, 65.53, 1.2, 0.45, "72"),
    "Магнитогорск": ("Urals", 53.41, 58.98, 0.7, 0.35, "74"),
    "Сургут": ("Urals", 61.25, 73.40, 0.8, 0.10, "86"),
    "Ростов-на-Дону": ("South", 47.24, 39.71, 2.5, 0.75, "61"),
    "Краснодар": ("South", 45.04, 38.98, 2.5, 0.70, "23"),
    "Новороссийск": ("South", 44.72, 37.77, 1.2, 0.55, "23"),
    "Волгоград": ("South", 48.71, 44.51, 1.2, 0.45, "34"),
    "Ставрополь": ("South", 45.04, 41.97, 0.8, 0.40, "26"),
    "Астрахань": ("South", 46.35, 48.04, 0.6, 0.25, "30"),
    "Новосибирск": ("Siberia", 55.03, 82.92, 2.5, 0.70, "54"),
    "Красноярск": ("Siberia", 56.01, 92.87, 1.5, 0.45, "24"),
    "Омск": ("Siberia", 54.99, 73.37, 1.2, 0.45, "55"),
    "Кемерово": ("Siberia", 55.35, 86.09, 0.8, 0.35, "42"),
    "Барнаул": ("Siberia", 53.35, 83.78, 0.8, 0.35, "22"),
    "Томск": ("Siberia", 56.48, 84.95, 0.6, 0.30, "70"),
    "Иркутск": ("Siberia", 52.29, 104.28, 0.8, 0.15, "38"),
}
#: Cities a client of each region ships from (its warehouse or plant), with shares.
ORIGINS: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "Central": (
        ("Москва", "Подольск", "Химки", "Домодедово", "Тверь"),
        (0.5, 0.15, 0.15, 0.1, 0.1),
    ),
    "North-West": (("Санкт-Петербург", "Колпино", "Псков"), (0.75, 0.15, 0.1)),
    "Volga": (("Казань", "Самара", "Нижний Новгород"), (0.4, 0.3, 0.3)),
    "Urals": (("Екатеринбург", "Челябинск", "Пермь"), (0.5, 0.3, 0.2)),
    "South": (("Ростов-на-Дону", "Краснодар", "Новороссийск"), (0.45, 0.4, 0.15)),
    "Siberia": (("Новосибирск", "Красноярск", "Омск"), (0.55, 0.25, 0.2)),
}
#: Road distance over great-circle distance.
ROAD_FACTOR = 1.25
#: Weight of a destination in the client's own federal district, relative to elsewhere.
SAME_REGION_WEIGHT = 7.0

#: Monthly seasonal factors (January..December) of order intensity per industry:
#: the January dip after the New Year holidays, the pre-New-Year peak of retail,
#: FMCG and e-commerce, the summer building season, the autumn harvest.
SEASONALITY: dict[str, tuple[float, ...]] = {
    "retail": (0.84, 0.90, 0.97, 0.96, 0.95, 0.93, 0.92, 0.97, 1.02, 1.10, 1.25, 1.33),
    "FMCG": (0.86, 0.92, 1.00, 0.98, 1.00, 1.03, 1.02, 1.00, 1.00, 1.04, 1.14, 1.25),
    "construction": (0.62, 0.66, 0.85, 1.05, 1.22, 1.30, 1.32, 1.28, 1.15, 1.00, 0.78, 0.58),
    "manufacturing": (0.88, 0.96, 1.04, 1.02, 0.98, 1.02, 0.97, 0.99, 1.03, 1.05, 1.04, 1.10),
    "pharma": (0.90, 1.00, 1.05, 1.00, 0.95, 0.92, 0.90, 0.94, 1.05, 1.10, 1.12, 1.10),
    "automotive": (0.86, 0.95, 1.05, 1.05, 1.00, 1.00, 0.94, 0.98, 1.05, 1.06, 1.05, 1.05),
    "e-commerce": (0.88, 0.90, 0.95, 0.92, 0.90, 0.88, 0.88, 0.94, 1.00, 1.08, 1.33, 1.40),
    "agriculture": (0.66, 0.70, 0.86, 1.00, 0.95, 0.90, 1.10, 1.32, 1.45, 1.35, 1.05, 0.76),
    "chemicals": (0.90, 0.95, 1.05, 1.06, 1.05, 1.00, 0.95, 0.98, 1.02, 1.02, 1.00, 0.95),
}

#: Tariffs, RUB net of VAT at the first year's prices. Trip lines: rate per loaded km
#: by vehicle and a fixed charge per trip (loading, city legs, documents).
RATE_PER_KM: dict[str, float] = {
    "20t tent": 60.0,
    "20t flatbed": 64.0,
    "25t grain truck": 62.0,
    "20t reefer": 72.0,
    "10t reefer": 58.0,
    "5t van": 38.0,
}
TRIP_FIXED = {"FTL": 6_000.0, "reefer": 7_000.0, "express": 3_000.0}
TRIP_MINIMUM = {"FTL": 14_000.0, "reefer": 16_000.0, "express": 6_500.0}
#: Groupage (LTL): fixed charge per consignment, rate per tonne-km and per tonne handled.
LTL_FIXED = 2_200.0
LTL_RATE_T_KM = 4.6
LTL_HANDLING_T = 350.0
#: Warehousing: storage and handling per pallet place and month.
PALLET_MONTH = 880.0
#: Customs clearance: median fee per declaration and its bounds.
CUSTOMS_MEDIAN = 11_000.0
CUSTOMS_BOUNDS = (4_500.0, 40_000.0)
#: Yearly indexation of contract tariffs applied every 1 January (spot rates of
#: 2025 fell below 2023, contract rates were indexed modestly).
TARIFF_INDEXATION = 1.04
#: Value added tax on invoices (20 % in 2019-2025).
VAT_RATE = 0.20
#: Share of importers (clients who also buy customs clearance) per industry.
IMPORTER_SHARE: dict[str, float] = {
    "retail": 0.15,
    "FMCG": 0.10,
    "construction": 0.05,
    "manufacturing": 0.22,
    "pharma": 0.25,
    "automotive": 0.35,
    "e-commerce": 0.20,
    "agriculture": 0.03,
    "chemicals": 0.20,
}
#: Share of contract clients who also store goods in the carrier's warehouse, per industry.
STORAGE_SHARE: dict[str, float] = {
    "retail": 0.28,
    "FMCG": 0.30,
    "construction": 0.06,
    "manufacturing": 0.10,
    "pharma": 0.25,
    "automotive": 0.18,
    "e-commerce": 0.35,
    "agriculture": 0.04,
    "chemicals": 0.10,
}

#: Words for synthetic company names (Russian, glued into one name: «Северметалл»).
NAME_FIRST: tuple[str, ...] = (
    "Север",
    "Волга",
    "Урал",
    "Балт",
    "Норд",
    "Альфа",
    "Вектор",
    "Дельта",
    "Орион",
    "Атлант",
    "Сибирь",
    "Юг",
    "Пром",
    "Тех",
    "Агро",
    "Строй",
    "Гранит",
    "Транс",
    "Эко",
    "Меридиан",
)
NAME_SECOND: tuple[str, ...] = (
    "металл",
    "трейд",
    "сервис",
    "групп",
    "продукт",
    "пищепром",
    "фарм",
    "инвест",
    "логистик",
    "комплект",
    "маш",
    "торг",
    "снаб",
    "холдинг",
    "пласт",
    "лес",
    "хим",
    "авто",
    "ритейл",
    "дом",
)
#: Names of state bodies by form: a template taking the client's city.
STATE_NAMES: dict[str, tuple[str, ...]] = {
    "ГБУ": (
        "ГБУ «Автомобильные дороги» г. {city}",
        "ГБУ «Жилищник» г. {city}",
        "ГБУ «Городская больница № {k}» г. {city}",
    ),
    "ФГУП": ("ФГУП «Госснаб» г. {city}", "ФГУП «Центр технической инвентаризации» г. {city}"),
    "МУП": (
        "МУП «Водоканал» г. {city}",
        "МУП «Горэлектросеть» г. {city}",
        "МУП «Горавтотранс» г. {city}",
    ),
    "ГКУ": ("ГКУ «Управление капитального строительства» г. {city}",),
    "Администрация": ("Администрация района № {k} г. {city}",),
}
#: Russian first names (male, female) with the patronymic they give (male, female form).
MALE_NAMES: tuple[str, ...] = (
    "Александр",
    "Алексей",
    "Андрей",
    "Дмитрий",
    "Игорь",
    "Кирилл",
    "Михаил",
    "Николай",
    "Олег",
    "Павел",
    "Сергей",
    "Тимур",
    "Юрий",
    "Артём",
    "Егор",
    "Владимир",
)
FEMALE_NAMES: tuple[str, ...] = (
    "Анна",
    "Дарья",
    "Елена",
    "Ирина",
    "Мария",
    "Наталья",
    "Ольга",
    "Светлана",
    "Софья",
    "Татьяна",
    "Юлия",
    "Вера",
    "Екатерина",
    "Марина",
)
PATRONYMICS: tuple[tuple[str, str], ...] = (
    ("Александрович", "Александровна"),
    ("Алексеевич", "Алексеевна"),
    ("Андреевич", "Андреевна"),
    ("Дмитриевич", "Дмитриевна"),
    ("Игоревич", "Игоревна"),
    ("Михайлович", "Михайловна"),
    ("Николаевич", "Николаевна"),
    ("Олегович", "Олеговна"),
    ("Павлович", "Павловна"),
    ("Петрович", "Петровна"),
    ("Сергеевич", "Сергеевна"),
    ("Юрьевич", "Юрьевна"),
    ("Владимирович", "Владимировна"),
    ("Викторович", "Викторовна"),
)
#: Surnames in the male form; the female form adds "а" (Смирнов / Смирнова) or turns
#: "-ский" into "-ская" (Ковальский / Ковальская).
SURNAMES: tuple[str, ...] = (
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Соколов",
    "Лебедев",
    "Козлов",
    "Новиков",
    "Морозов",
    "Волков",
    "Орлов",
    "Павлов",
    "Семёнов",
    "Голубев",
    "Виноградов",
    "Богданов",
    "Фёдоров",
    "Ильин",
    "Никитин",
    "Зайцев",
    "Ковальский",
    "Белов",
    "Тарасов",
    "Комаров",
)
