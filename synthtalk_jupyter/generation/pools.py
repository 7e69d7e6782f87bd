"""Value pools for realistic data: built once with Faker (or from built-in lists), sampled with NumPy.

Faker is slow per value (~13k values/s) but fine for building a few thousand distinct values
once per (locale, kind). Everything per row happens in NumPy / Arrow (see ``semantic``).

``Pools(seed=0).get(kind, locale, size)`` returns a ``pa.large_string`` array of at most ``size``
distinct values. Pools are deterministic: the values come from a Faker instance seeded from
(seed, locale, kind), in generation order, deduplicated. A pool of size m is always the prefix
of the same kind's pool of size M > m, so the order in which pools are requested never changes
the output. Pools are cached in memory and (unless ``cache_dir=False``) on disk under
``~/.cache/synthtalk_jupyter/pools/faker-<version>-v<POOL_FORMAT>/<locale>/<kind>-s<seed>.json``
(``SYNTHTALK_CACHE_DIR`` overrides the root). One file per kind keeps the largest pool built;
smaller requests are its prefix.

Besides plain pools there are *templates* (``get_templates``): Faker outputs whose digits are
replaced by a marker byte, filled with random digits per row by :func:`fill_templates`, so phone
numbers, postcodes and street addresses are unique-ish per row yet keep the locale's format.
"""

from __future__ import annotations

import json
import os
import re
import threading
import zlib
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pyarrow as pa

POOL_FORMAT = 2  # bump when a builder changes what it produces: invalidates disk caches
DIGIT = 0x01  # marker byte in templates: a random digit
LETTER = 0x02  # marker byte in templates: a random upper-case letter

# --------------------------------------------------------------------------------------------
# Built-in lists (kinds Faker has no provider for, or where we want control over the head)
# --------------------------------------------------------------------------------------------

# (English name, ISO alpha-2, ISO alpha-3, Faker locale or None); order = rough popularity.
COUNTRIES: list[tuple[str, str, str, str | None]] = [
    ("United States", "US", "USA", "en_US"),
    ("Germany", "DE", "DEU", "de_DE"),
    ("United Kingdom", "GB", "GBR", "en_GB"),
    ("France", "FR", "FRA", "fr_FR"),
    ("Canada", "CA", "CAN", "en_CA"),
    ("Brazil", "BR", "BRA", "pt_BR"),
    ("Japan", "JP", "JPN", "ja_JP"),
    ("India", "IN", "IND", "en_IN"),
    ("Italy", "IT", "ITA", "it_IT"),
    ("Spain", "ES", "ESP", "es_ES"),
    ("Mexico", "MX", "MEX", "es_MX"),
    ("Australia", "AU", "AUS", "en_AU"),
    ("Netherlands", "NL", "NLD", "nl_NL"),
    ("China", "CN", "CHN", "zh_CN"),
    ("Poland", "PL", "POL", "pl_PL"),
    ("Sweden", "SE", "SWE", "sv_SE"),
    ("Switzerland", "CH", "CHE", "de_CH"),
    ("Austria", "AT", "AUT", "de_AT"),
    ("Belgium", "BE", "BEL", "nl_BE"),
    ("Portugal", "PT", "PRT", "pt_PT"),
    ("Ireland", "IE", "IRL", "en_IE"),
    ("Denmark", "DK", "DNK", "da_DK"),
    ("Norway", "NO", "NOR", "no_NO"),
    ("Finland", "FI", "FIN", "fi_FI"),
    ("Czech Republic", "CZ", "CZE", "cs_CZ"),
    ("Argentina", "AR", "ARG", "es_AR"),
    ("Chile", "CL", "CHL", "es_CL"),
    ("Colombia", "CO", "COL", "es_CO"),
    ("South Korea", "KR", "KOR", "ko_KR"),
    ("Russia", "RU", "RUS", "ru_RU"),
    ("Turkey", "TR", "TUR", "tr_TR"),
    ("New Zealand", "NZ", "NZL", "en_NZ"),
    ("Greece", "GR", "GRC", "el_GR"),
    ("Hungary", "HU", "HUN", "hu_HU"),
    ("Israel", "IL", "ISR", "he_IL"),
    ("Taiwan", "TW", "TWN", "zh_TW"),
    ("Thailand", "TH", "THA", "th_TH"),
    ("Indonesia", "ID", "IDN", "id_ID"),
    ("Philippines", "PH", "PHL", "en_PH"),
    ("Vietnam", "VN", "VNM", "vi_VN"),
    ("Ukraine", "UA", "UKR", "uk_UA"),
    ("Romania", "RO", "ROU", "ro_RO"),
    ("Egypt", "EG", "EGY", "ar_EG"),
    ("Saudi Arabia", "SA", "SAU", "ar_SA"),
    ("South Africa", "ZA", "ZAF", None),
    ("Nigeria", "NG", "NGA", None),
    ("Singapore", "SG", "SGP", None),
    ("Malaysia", "MY", "MYS", None),
    ("Peru", "PE", "PER", None),
    ("Kenya", "KE", "KEN", None),
    ("Morocco", "MA", "MAR", None),
    ("Pakistan", "PK", "PAK", None),
    ("Bangladesh", "BD", "BGD", "bn_BD"),
    ("Slovakia", "SK", "SVK", "sk_SK"),
    ("Croatia", "HR", "HRV", "hr_HR"),
    ("Bulgaria", "BG", "BGR", "bg_BG"),
    ("Iceland", "IS", "ISL", None),
    ("Luxembourg", "LU", "LUX", None),
    ("Estonia", "EE", "EST", "et_EE"),
    ("Uruguay", "UY", "URY", None),
]

STATIC: dict[str, list[str]] = {
    "department": [
        "Sales", "Marketing", "Engineering", "Finance", "Human Resources", "Customer Service",
        "Operations", "Research and Development", "Information Technology", "Legal", "Purchasing",
        "Production", "Quality Assurance", "Shipping and Receiving", "Accounting", "Executive",
        "Facilities", "Public Relations", "Logistics", "Product Management", "Training",
        "Security", "Procurement", "Business Development", "Tool Design", "Document Control",
    ],
    "category": [
        "Electronics", "Books", "Clothing", "Home & Garden", "Sports", "Toys", "Beauty", "Grocery",
        "Automotive", "Health", "Jewelry", "Office Supplies", "Pet Supplies", "Music", "Movies",
        "Furniture", "Tools", "Shoes", "Baby", "Outdoors", "Kitchen", "Computers", "Games",
        "Beverages", "Condiments", "Confections", "Dairy Products", "Grains/Cereals",
        "Meat/Poultry", "Produce", "Seafood", "Accessories", "Bikes", "Components",
    ],
    "genre": [
        "Rock", "Pop", "Jazz", "Classical", "Hip Hop", "Electronic", "Blues", "Country", "Metal",
        "Reggae", "Soul", "Latin", "Folk", "Punk", "Alternative", "R&B", "Soundtrack", "World",
        "Drama", "Comedy", "Action", "Documentary", "Horror", "Animation", "Sci-Fi", "Family",
        "Children", "Travel", "Sports", "Foreign", "New", "Classics", "Music", "Games",
    ],
    "segment": ["AUTOMOBILE", "BUILDING", "FURNITURE", "MACHINERY", "HOUSEHOLD", "RETAIL",
                "ENTERPRISE", "CONSUMER", "SMALL BUSINESS", "GOVERNMENT", "EDUCATION"],
    "type_label": ["Standard", "Premium", "Basic", "Deluxe", "Economy", "Express", "Regular",
                   "Business", "Personal", "Primary", "Secondary", "Internal", "External",
                   "Retail", "Wholesale", "Online", "In-Store", "Temporary", "Permanent",
                   "Single", "Double", "Suite", "Library", "Overnight", "Two Day", "Ground"],
    "status": ["active", "pending", "completed", "cancelled", "inactive", "on hold", "approved",
               "rejected", "in progress", "closed", "open", "suspended", "archived", "draft"],
    "order_status": ["Delivered", "Shipped", "Processing", "Pending", "Cancelled", "Returned",
                     "On Hold", "Refunded", "Backordered", "Completed", "New", "Closed"],
    "payment_method": ["Credit Card", "Debit Card", "PayPal", "Cash", "Bank Transfer", "Check",
                       "Apple Pay", "Google Pay", "Gift Card", "Invoice", "Direct Debit"],
    "card_type": ["Visa", "MasterCard", "American Express", "Discover", "Diners Club", "JCB",
                  "Maestro", "Vista", "SuperiorCard", "Distinguish", "ColonialVoice"],
    "world_region": ["Europe", "Americas", "Asia", "Middle East and Africa", "North America",
                     "South America", "Oceania", "Central America", "Caribbean", "Eastern Europe",
                     "Western Europe", "Northern", "Southern", "Eastern", "Western", "Central"],
    "salutation": ["Mr.", "Ms.", "Mrs.", "Dr.", "Miss", "Sir", "Prof.", "Mx."],
    "priority": ["Low", "Medium", "High", "Urgent", "Critical", "Normal", "1-URGENT", "2-HIGH",
                 "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"],
    "rating_word": ["Excellent", "Good", "Fair", "Poor", "Very Good", "Average", "Low Risk",
                    "High Risk", "Unknown", "Superior"],
    "letter_grade": ["A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D", "F", "A+"],
    "marital_status": ["Married", "Single", "Divorced", "Widowed", "Separated",
                       "Domestic Partnership"],
    "education": ["High School", "Bachelor's Degree", "Master's Degree", "Doctorate",
                  "Associate Degree", "Some College", "Primary", "Secondary", "Unknown"],
    "language": ["English", "Spanish", "French", "German", "Chinese", "Japanese", "Portuguese",
                 "Italian", "Russian", "Arabic", "Hindi", "Korean", "Dutch", "Swedish", "Polish",
                 "Turkish", "Greek", "Hebrew", "Danish", "Finnish", "Norwegian", "Czech", "Thai",
                 "Vietnamese", "Indonesian", "Hungarian", "Romanian", "Ukrainian", "Mandarin"],
    "language_code": ["en", "es", "fr", "de", "zh", "ja", "pt", "it", "ru", "ar", "hi", "ko", "nl",
                      "sv", "pl", "tr", "el", "he", "da", "fi", "no", "cs", "th", "vi", "id",
                      "hu", "ro", "uk"],
    "locale_code": ["en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "ja-JP", "pt-BR", "it-IT",
                    "zh-CN", "nl-NL", "en-CA", "fr-CA", "es-MX", "ko-KR", "ru-RU", "pl-PL",
                    "sv-SE", "ar-SA", "he-IL", "th-TH", "tr-TR", "en-AU", "de-CH"],
    "unit": ["EA", "KG", "LB", "BOX", "CTN", "PC", "M", "CM", "L", "ML", "G", "OZ", "DZ", "PK",
             "CS", "FT", "IN", "GAL", "PAL", "SET"],
    "shift": ["Day", "Evening", "Night", "Morning", "Afternoon", "Weekend", "first", "second",
              "third"],
    "ship_mode": ["REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB", "GROUND", "EXPRESS",
                  "OVERNIGHT", "TWO DAY", "LIBRARY"],
    "currency_name": ["US Dollar", "Euro", "British Pound", "Japanese Yen", "Canadian Dollar",
                      "Australian Dollar", "Swiss Franc", "Chinese Yuan", "Swedish Krona",
                      "Mexican Peso", "Indian Rupee", "Brazilian Real", "South Korean Won",
                      "Norwegian Krone", "Danish Krone", "Polish Zloty", "Singapore Dollar",
                      "Hong Kong Dollar", "New Zealand Dollar", "South African Rand", "Turkish Lira"],
    "weekday": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "charset": ["UTF-8", "ISO-8859-1", "US-ASCII", "UTF-16", "windows-1252"],
    "product_adj": ["Ergonomic", "Rustic", "Sleek", "Practical", "Intelligent", "Gorgeous",
                    "Incredible", "Fantastic", "Handcrafted", "Refined", "Small", "Large",
                    "Generic", "Licensed", "Tasty", "Awesome", "Modern", "Classic", "Compact",
                    "Deluxe", "Durable", "Lightweight", "Premium", "Vintage", "Portable",
                    "Organic", "Wireless", "Smart", "Heavy Duty", "Mini", "Pro", "Ultra"],
    "product_material": ["Steel", "Wooden", "Concrete", "Plastic", "Cotton", "Granite", "Rubber",
                         "Metal", "Soft", "Fresh", "Frozen", "Bronze", "Leather", "Silk", "Wool",
                         "Linen", "Marble", "Ceramic", "Glass", "Aluminum", "Bamboo", "Carbon"],
    "product_noun": ["Chair", "Car", "Computer", "Keyboard", "Mouse", "Bike", "Ball", "Gloves",
                     "Pants", "Shirt", "Table", "Shoes", "Hat", "Towels", "Soap", "Tuna",
                     "Chicken", "Fish", "Cheese", "Bacon", "Pizza", "Salad", "Sausages", "Chips",
                     "Lamp", "Backpack", "Watch", "Headphones", "Speaker", "Wallet", "Jacket",
                     "Bottle", "Mug", "Helmet", "Camera", "Tent", "Blender", "Kettle", "Pillow",
                     "Sofa", "Desk", "Monitor", "Phone Case", "Sunglasses", "Scarf", "Sneakers"],
    "color": ["Black", "White", "Red", "Blue", "Silver", "Grey", "Green", "Yellow", "Navy",
              "Brown", "Orange", "Purple", "Pink", "Beige", "Maroon", "Teal", "Gold", "Olive",
              "Turquoise", "Ivory", "Lavender", "Charcoal", "Coral", "Cyan", "Magenta", "Khaki",
              "Burgundy", "Mint", "Salmon", "Indigo"],
    "url_path": ["", "", "", "/", "/home", "/about", "/shop", "/blog", "/products", "/contact",
                 "/index.html", "/en", "/services", "/news", "/store"],
    "currency_head": ["USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "CNY", "SEK", "NZD",
                      "MXN", "SGD", "HKD", "NOK", "KRW", "TRY", "INR", "BRL", "ZAR", "PLN",
                      "DKK", "CZK", "HUF", "ILS", "THB", "RUB"],
}

# --------------------------------------------------------------------------------------------
# Faker-backed pool builders: kind -> (function of a Faker instance returning one value)
# --------------------------------------------------------------------------------------------


def _first_attr(fake, names: Iterable[str]) -> Callable[[], str]:
    for n in names:
        fn = getattr(fake, n, None)
        if fn is None:
            continue
        try:
            fn()
        except Exception:  # provider method exists but fails for this locale
            continue
        return fn
    raise AttributeError(f"none of {list(names)} in locale")


def _digits_to_marker(s: str, keep: int = 0, keep_prefix: bool = False) -> str:
    """Digits -> DIGIT marker. ``keep`` first digits stay; with ``keep_prefix`` a "+NN" country
    code and trunk zeros ("0", "(0)") at the start of a digit group stay too (phone formats)."""
    out = []
    prev_digit = False
    plus = False
    for ch in s:
        if ch.isdigit() and ch.isascii():
            if keep > 0:
                out.append(ch)
                keep -= 1
            elif keep_prefix and (plus or (ch == "0" and not prev_digit)):
                out.append(ch)
            else:
                out.append(chr(DIGIT))
            prev_digit = True
        else:
            out.append(ch)
            plus = ch == "+"
            prev_digit = False
    return "".join(out)


def _street(fake) -> Callable[[], str]:
    loc = str(getattr(fake, "_locales", ["en_US"])[0])
    if loc.startswith("ja") and hasattr(fake, "chome"):
        return lambda: f"{fake.town()}{fake.chome()}{fake.ban()}{fake.gou()}"
    return _first_attr(fake, ["street_address", "address"])


def _title(fake) -> Callable[[], str]:
    words = _first_attr(fake, ["word"])
    rnd = fake.random

    def make() -> str:
        k = rnd.choice((1, 2, 2, 2, 3, 3))
        return " ".join(words().capitalize() for _ in range(k))

    return make


BUILDERS: dict[str, Callable] = {
    "first_name": lambda f: _first_attr(f, ["first_name"]),
    "first_name_male": lambda f: _first_attr(f, ["first_name_male", "first_name"]),
    "first_name_female": lambda f: _first_attr(f, ["first_name_female", "first_name"]),
    "last_name": lambda f: _first_attr(f, ["last_name"]),
    "city": lambda f: _first_attr(f, ["city"]),
    "state": lambda f: _first_attr(
        f, ["administrative_unit", "state", "prefecture", "region", "province", "department_name"]
    ),
    "state_abbr": lambda f: _first_attr(f, ["state_abbr"]),
    "street_name": lambda f: _first_attr(f, ["street_name", "town"]),
    "street_suffix": lambda f: _first_attr(f, ["street_suffix"]),
    "company": lambda f: _first_attr(f, ["company"]),
    "job": lambda f: _first_attr(f, ["job"]),
    "free_domain": lambda f: _first_attr(f, ["free_email_domain"]),
    "domain": lambda f: _first_attr(f, ["domain_name"]),
    "word": lambda f: _first_attr(f, ["word"]),
    "title": _title,
    "sentence": lambda f: _first_attr(f, ["sentence"]),
    "timezone": lambda f: _first_attr(f, ["timezone"]),
    "currency_code": lambda f: _first_attr(f, ["currency_code"]),
    "color_name": lambda f: _first_attr(f, ["color_name"]),
    "mime_type": lambda f: _first_attr(f, ["mime_type"]),
    "file_name": lambda f: _first_attr(f, ["file_name"]),
    "file_ext": lambda f: _first_attr(f, ["file_extension"]),
    # templates: digits replaced by the DIGIT marker byte, filled per row
    "tpl_street": lambda f: (lambda g=_street(f): _digits_to_marker(g())),
    "tpl_building": lambda f: (lambda g=_first_attr(f, ["building_number"]): _digits_to_marker(g())),
    "tpl_postcode": lambda f: (lambda g=_first_attr(f, ["postcode", "zipcode"]): _digits_to_marker(g())),
    "tpl_phone": lambda f: (lambda g=_first_attr(f, ["phone_number"]): _digits_to_marker(g(), keep_prefix=True)),
    "tpl_address2": lambda f: (lambda g=_first_attr(f, ["secondary_address"]): _digits_to_marker(g())),
}

# Faker providers each pool kind needs: a Faker with only these loads ~50x faster than a full one,
# which matters when a country column makes us build pools for many locales.
_P = "faker.providers."
_ADDR = (_P + "address", _P + "person")
KIND_PROVIDERS: dict[str, tuple[str, ...]] = {
    "first_name": (_P + "person",), "first_name_male": (_P + "person",),
    "first_name_female": (_P + "person",), "last_name": (_P + "person",),
    "city": _ADDR, "state": _ADDR, "state_abbr": _ADDR, "street_name": _ADDR, "street_suffix": _ADDR,
    "tpl_street": _ADDR, "tpl_building": _ADDR, "tpl_postcode": _ADDR, "tpl_address2": _ADDR,
    "tpl_phone": (_P + "phone_number",),
    "company": (_P + "company", _P + "person"), "job": (_P + "job",),
    "free_domain": (_P + "internet", _P + "person", _P + "company"),
    "domain": (_P + "internet", _P + "person", _P + "company"),
    "word": (_P + "lorem",), "title": (_P + "lorem",), "sentence": (_P + "lorem",),
    "timezone": (_P + "date_time",), "currency_code": (_P + "currency",),
    "color_name": (_P + "color",), "mime_type": (_P + "file",), "file_name": (_P + "file", _P + "lorem"),
    "file_ext": (_P + "file",),
}

# When a locale lacks a provider, fall back to these kinds/locales.
FALLBACK_LOCALE = "en_US"


def _stable_seed(*parts: object) -> int:
    return zlib.crc32("\x1f".join(str(p) for p in parts).encode("utf-8"))


def _faker_version() -> str:
    try:
        import faker

        return str(getattr(faker, "VERSION", "unknown"))
    except Exception:  # pragma: no cover
        return "unknown"


def _valid_locale(locale: str) -> str:
    try:
        from faker.config import AVAILABLE_LOCALES
    except Exception:  # pragma: no cover
        return FALLBACK_LOCALE
    loc = (locale or FALLBACK_LOCALE).replace("-", "_")
    if loc in AVAILABLE_LOCALES:
        return loc
    for cand in AVAILABLE_LOCALES:  # "de" -> "de_DE"
        if cand.split("_")[0] == loc.split("_")[0] and cand.split("_")[-1].lower() == loc.split("_")[0]:
            return cand
    for cand in sorted(AVAILABLE_LOCALES):
        if cand.split("_")[0] == loc.split("_")[0]:
            return cand
    return FALLBACK_LOCALE


class Pools:
    """Cached value pools per (locale, kind, size).

    ``Pools(seed=0, cache_dir=True)``: ``cache_dir=True`` uses ``$SYNTHTALK_CACHE_DIR`` or
    ``~/.cache/synthtalk_jupyter``; a path uses that directory; ``False``/``None`` keeps pools in
    memory only. Thread-safe.
    """

    PATIENCE = 300  # consecutive duplicates before a Faker stream counts as exhausted

    def __init__(self, seed: int = 0, cache_dir: str | os.PathLike | bool | None = True):
        self.seed = int(seed)
        if cache_dir is True:
            root = os.environ.get("SYNTHTALK_CACHE_DIR") or str(Path.home() / ".cache" / "synthtalk_jupyter")
            self.cache_dir: Path | None = Path(root)
        elif cache_dir:
            self.cache_dir = Path(cache_dir)
        else:
            self.cache_dir = None
        self._mem: dict[tuple[str, str], tuple[list[str], bool]] = {}  # (locale, kind) -> (values, exhausted)
        self._arrays: dict[tuple[str, str, int], pa.Array] = {}
        self._tpl: dict[tuple[str, str, int], tuple[np.ndarray, np.ndarray]] = {}
        self._fakers: dict[tuple, object] = {}  # one Faker per (locale, providers) (creating one costs ~0.1 s)
        self._lock = threading.RLock()
        self.builds = 0  # number of Faker builds done (for tests / diagnostics)

    # -- public -------------------------------------------------------------------------------
    def get(self, kind: str, locale: str = "en_US", size: int = 1000) -> pa.Array:
        """At most ``size`` distinct values of ``kind`` for ``locale`` (``pa.large_string``)."""
        size = max(1, int(size))
        if kind in STATIC:
            return pa.array(STATIC[kind][:size], type=pa.large_string())
        if kind in ("country", "country_iso2", "country_iso3"):
            col = {"country": 0, "country_iso2": 1, "country_iso3": 2}[kind]
            return pa.array([c[col] for c in self.countries(locale)[:size]], type=pa.large_string())
        key = (locale, kind, size)
        arr = self._arrays.get(key)
        if arr is None:
            with self._lock:
                values = self.values(kind, locale, size)
                arr = pa.array(values, type=pa.large_string())
                self._arrays[key] = arr
        return arr

    def values(self, kind: str, locale: str, size: int) -> list[str]:
        """The pool as a Python list (prefix of the kind's Faker stream)."""
        if kind in STATIC:
            return STATIC[kind][:size]
        if kind not in BUILDERS:
            raise KeyError(f"unknown pool kind {kind!r}")
        loc = _valid_locale(locale)
        with self._lock:
            got = self._mem.get((loc, kind))
            if got is None or (len(got[0]) < size and not got[1]):
                got = self._load_disk(loc, kind, size)
                if got is None:
                    got = self._build(loc, kind, size)
                    self._save_disk(loc, kind, got)
                self._mem[(loc, kind)] = got
            return got[0][:size]

    def get_templates(self, kind: str, locale: str, size: int) -> tuple[np.ndarray, np.ndarray]:
        """Templates as a (k, width) uint8 matrix of UTF-8 bytes (zero padded) and their lengths."""
        key = (locale, kind, size)
        got = self._tpl.get(key)
        if got is None:
            vals = self.values(kind, locale, size)
            got = strings_to_matrix(vals)
            self._tpl[key] = got
        return got

    def countries(self, locale: str) -> list[tuple[str, str, str, str | None]]:
        """COUNTRIES with the locale's own country first (for Zipf-weighted sampling)."""
        loc = _valid_locale(locale)
        region = loc.split("_")[-1].upper()
        head = [c for c in COUNTRIES if c[1] == region]
        return head + [c for c in COUNTRIES if c[1] != region]

    # -- building -----------------------------------------------------------------------------
    def _build(self, loc: str, kind: str, size: int) -> tuple[list[str], bool]:
        provs = KIND_PROVIDERS.get(kind)
        fake = self._fakers.get((loc, provs))
        if fake is None:
            from faker import Faker

            fake = self._fakers[(loc, provs)] = Faker(loc, providers=list(provs)) if provs else Faker(loc)
        fake.seed_instance(_stable_seed(self.seed, loc, kind))  # same stream whatever was built before
        try:
            fn = BUILDERS[kind](fake)
        except AttributeError:
            if loc == FALLBACK_LOCALE:
                raise
            return self.values(kind, FALLBACK_LOCALE, size), True
        self.builds += 1
        seen: set[str] = set()
        out: list[str] = []
        miss = 0
        while len(out) < size:
            v = fn()
            if not isinstance(v, str):
                v = str(v)
            v = v.replace("\n", ", ")
            if v in seen or not v:
                miss += 1
                if miss >= self.PATIENCE:
                    return out, True
                continue
            miss = 0
            seen.add(v)
            out.append(v)
        return out, False

    def _path(self, loc: str, kind: str) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / "pools" / f"faker-{_faker_version()}-v{POOL_FORMAT}" / loc / f"{kind}-s{self.seed}.json"

    def _load_disk(self, loc: str, kind: str, size: int) -> tuple[list[str], bool] | None:
        p = self._path(loc, kind)
        if p is None or not p.exists():
            return None
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
            vals, exhausted = list(data["values"]), bool(data["exhausted"])
        except Exception:
            return None
        if len(vals) >= size or exhausted:
            return vals, exhausted
        return None

    def _save_disk(self, loc: str, kind: str, got: tuple[list[str], bool]) -> None:
        p = self._path(loc, kind)
        if p is None:
            return
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            tmp = p.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_text(json.dumps({"values": got[0], "exhausted": got[1]}, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, p)
        except OSError:
            pass  # a read-only home is fine: memory cache only


# --------------------------------------------------------------------------------------------
# Vectorised helpers shared with ``semantic``
# --------------------------------------------------------------------------------------------


def strings_to_matrix(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    enc = [v.encode("utf-8") for v in values]
    lens = np.fromiter((len(b) for b in enc), dtype=np.int64, count=len(enc))
    width = int(lens.max()) if len(enc) else 1
    buf = b"".join(b.ljust(width, b"\x00") for b in enc)
    mat = np.frombuffer(buf, dtype=np.uint8).reshape(len(enc), width).copy()
    return mat, lens


def matrix_to_strings(mat: np.ndarray, lens: np.ndarray) -> pa.Array:
    """Rows of a uint8 matrix, each cut to its length, as a ``large_string`` array (no per-row loop)."""
    n, width = mat.shape
    lens = np.asarray(lens, dtype=np.int64)
    if n and (lens == width).all():
        data = np.ascontiguousarray(mat).reshape(-1)
    else:
        keep = np.arange(width)[None, :] < lens[:, None]
        data = mat[keep]
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lens, out=offsets[1:])
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data.tobytes()))


def fill_templates(mat: np.ndarray, lens: np.ndarray, idx: np.ndarray, rng: np.random.Generator) -> pa.Array:
    """Rows ``idx`` of a template matrix with DIGIT / LETTER markers replaced by random ones."""
    rows = mat[idx]
    m = rows == DIGIT
    cnt = int(m.sum())
    if cnt:
        rows[m] = rng.integers(48, 58, size=cnt, dtype=np.uint8)
    m = rows == LETTER
    cnt = int(m.sum())
    if cnt:
        rows[m] = rng.integers(65, 91, size=cnt, dtype=np.uint8)
    return matrix_to_strings(rows, lens[idx])


def compile_template(t: str) -> str:
    """'#' -> digit marker, '?' -> letter marker (for built-in templates)."""
    return t.replace("#", chr(DIGIT)).replace("?", chr(LETTER))


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def _nibbles(n: int, width: int, rng: np.random.Generator) -> np.ndarray:
    nbytes = (width + 1) // 2
    b = np.frombuffer(rng.bytes(n * nbytes), dtype=np.uint8).reshape(n, nbytes)
    nib = np.empty((n, nbytes * 2), dtype=np.uint8)
    nib[:, 0::2] = b >> 4
    nib[:, 1::2] = b & 15
    return nib[:, :width]


def random_hex(n: int, width: int, rng: np.random.Generator) -> pa.Array:
    mat = _HEX[_nibbles(n, width, rng)]
    return matrix_to_strings(mat, np.full(n, width, dtype=np.int64))


def random_uuid(n: int, rng: np.random.Generator) -> pa.Array:
    nib = _nibbles(n, 32, rng)
    nib[:, 12] = 4  # version 4
    nib[:, 16] = 8 + (nib[:, 16] & 3)  # variant 10xx
    hexed = _HEX[nib]
    mat = np.full((n, 36), ord("-"), dtype=np.uint8)
    cols = [c for c in range(36) if c not in (8, 13, 18, 23)]
    mat[:, cols] = hexed
    return matrix_to_strings(mat, np.full(n, 36, dtype=np.int64))


_ZIPF_CACHE: dict[tuple[int, float], tuple[np.ndarray, np.ndarray]] = {}
_ZIPF_LOCK = threading.Lock()


def _alias_table(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Walker/Vose alias table of weights ``w``: (acceptance probabilities, aliases).
    Built once per (size, skew) and cached (a plain loop: ~0.1 s for 100k weights)."""
    m = len(w)
    p = (w * (m / w.sum())).tolist()
    alias = list(range(m))
    small = [i for i in range(m) if p[i] < 1.0]
    large = [i for i in range(m) if p[i] >= 1.0]
    while small and large:
        s_ = small.pop()
        l_ = large[-1]
        alias[s_] = l_
        p[l_] -= 1.0 - p[s_]
        if p[l_] < 1.0:
            large.pop()
            small.append(l_)
    for i in small + large:  # rounding leftovers
        p[i] = 1.0
    return np.asarray(p, dtype=np.float64), np.asarray(alias, dtype=np.int64)


def zipf_indices(size: int, n: int, s: float, rng: np.random.Generator) -> np.ndarray:
    """n indices into a pool of ``size`` with weight 1/(rank+1)^s (s=0: uniform).

    O(1) per value: an alias table cached per (size, s); one uniform per value gives both the
    column (integer part of u*size) and the acceptance draw (fractional part)."""
    size = max(1, int(size))
    if s <= 1e-9 or size == 1:
        return rng.integers(0, size, size=n, dtype=np.int64)
    key = (size, round(float(s), 4))
    tab = _ZIPF_CACHE.get(key)
    if tab is None:
        w = 1.0 / np.power(np.arange(1, size + 1, dtype=np.float64), key[1])
        tab = _alias_table(w)
        with _ZIPF_LOCK:
            if len(_ZIPF_CACHE) > 512:
                _ZIPF_CACHE.clear()
            _ZIPF_CACHE[key] = tab
    prob, alias = tab
    x = rng.random(n) * size
    col = x.astype(np.int64)
    np.minimum(col, size - 1, out=col)
    x -= col
    return np.where(x < prob[col], col, alias[col])


_DEFAULT: Pools | None = None


def default_pools() -> Pools:
    """Process-wide Pools(seed=0) with the disk cache, used when ``ctx.pools`` is None."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Pools(seed=0)
    return _DEFAULT


def ascii_slug(values: Iterable[str]) -> list[str]:
    """Lower-case ASCII letters/digits only (for e-mail local parts, user names). Per *distinct* value."""
    from faker.decode import unidecode

    out = []
    for v in values:
        s = unidecode(v or "").lower()
        s = re.sub(r"[^a-z0-9]+", "", s)
        out.append(s)
    return out
