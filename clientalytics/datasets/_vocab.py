"""Word lists and fixed parameters the synthetic logistics company draws from.

Everything here is a constant: the regions the carrier serves, the industries of
its clients, the service lines it sells, its marketing channels and the cargo
profile of each industry. Keeping them in one place keeps the generator modules
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

#: Service lines sold by the carrier, and the usual main line per industry.
SERVICES: tuple[str, ...] = ("FTL", "LTL", "reefer", "warehousing", "customs", "express")
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
#: (money units) that drives the acquisition spend lines. ``referral`` costs nothing.
ACQUISITION_CHANNELS: tuple[str, ...] = (
    "cold_calls",
    "search_ads",
    "exhibitions",
    "industry_portal",
    "website",
    "referral",
)
ACQUISITION_WEIGHTS = np.array([0.27, 0.22, 0.14, 0.15, 0.12, 0.10])
COST_PER_ACQUISITION = np.array([900.0, 1_300.0, 2_600.0, 1_000.0, 500.0, 0.0])

#: Spend lines kept for existing clients: (channel, purpose, target segment, base
#: monthly amount, amount per active client).
RETENTION_LINES: tuple[tuple[str, str, str, float, float], ...] = (
    ("loyalty_programme", "retention", "programme members", 400.0, 9.0),
    ("client_events", "retention", "key accounts", 0.0, 6.0),
    ("account_reviews", "retention", "all clients", 250.0, 3.0),
    ("cross_sell_campaigns", "development", "all clients", 300.0, 4.0),
    ("new_service_promotion", "development", "innovators", 150.0, 2.0),
)

#: Legal status shares.
LEGAL_STATUSES: tuple[str, ...] = ("commercial", "individual", "government")
LEGAL_WEIGHTS = np.array([0.86, 0.09, 0.05])

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

#: Words for synthetic company names.
NAME_FIRST: tuple[str, ...] = (
    "Nord",
    "Volga",
    "Ural",
    "Baltic",
    "Sever",
    "Alfa",
    "Vektor",
    "Delta",
    "Orion",
    "Atlant",
    "Sibir",
    "Yug",
    "Prom",
    "Tekh",
    "Agro",
    "Stroy",
    "Market",
    "Trade",
    "Ekspo",
    "Meridian",
)
NAME_SECOND: tuple[str, ...] = (
    "Metall",
    "Trade",
    "Service",
    "Group",
    "Industries",
    "Foods",
    "Pharm",
    "Invest",
    "Logic",
    "Build",
    "Mash",
    "Torg",
    "Snab",
    "Holding",
    "Plast",
    "Les",
    "Khim",
    "Avto",
    "Retail",
    "Dom",
)
NAME_FORMS: tuple[str, ...] = ("LLC", "JSC", "Ltd", "PJSC")
MANAGER_FIRST: tuple[str, ...] = (
    "Anna",
    "Boris",
    "Daria",
    "Egor",
    "Irina",
    "Kirill",
    "Maria",
    "Oleg",
    "Pavel",
    "Sofia",
    "Timur",
    "Vera",
    "Yulia",
    "Artem",
    "Elena",
    "Igor",
)
MANAGER_LAST: tuple[str, ...] = (
    "Ivanova",
    "Petrov",
    "Smirnova",
    "Kuznetsov",
    "Popova",
    "Sokolov",
    "Lebedeva",
    "Kozlov",
    "Novikova",
    "Morozov",
    "Volkova",
    "Orlov",
)
