"""The demo catalog: a few hundred bilingual products generated deterministically (same SKUs,
ids, names and stock on every machine), so the seed is idempotent and the relevance set in
tests/relevance can name its expected results by SKU."""

import uuid
from dataclasses import dataclass

from catalog.domain.model import Product, Variant

NAMESPACE = uuid.UUID("6f1d3c2a-8b7e-4c1a-9d2f-0a5b7c9e1f30")
PER_TYPE = 9

# (fr masc. sing., fr fem. sing., fr masc. plural, fr fem. plural, en)
ADJECTIVES: dict[str, tuple[str, str, str, str, str]] = {
    "light": ("léger", "légère", "légers", "légères", "lightweight"),
    "classic": ("classique", "classique", "classiques", "classiques", "classic"),
    "elegant": ("élégant", "élégante", "élégants", "élégantes", "elegant"),
    "comfy": ("confortable", "confortable", "confortables", "confortables", "comfortable"),
    "waterproof": ("imperméable", "imperméable", "imperméables", "imperméables", "waterproof"),
    "warm": ("chaud", "chaude", "chauds", "chaudes", "warm"),
    "soft": ("doux", "douce", "doux", "douces", "soft"),
    "ergonomic": ("ergonomique", "ergonomique", "ergonomiques", "ergonomiques", "ergonomic"),
    "compact": ("compact", "compacte", "compacts", "compactes", "compact"),
    "sporty": ("sportif", "sportive", "sportifs", "sportives", "sporty"),
    "fitted": ("ajusté", "ajustée", "ajustés", "ajustées", "fitted"),
    "durable": ("résistant", "résistante", "résistants", "résistantes", "durable"),
    "insulated": ("isolé", "isolée", "isolés", "isolées", "insulated"),
    "natural": ("naturel", "naturelle", "naturels", "naturelles", "natural"),
    "vintage": ("rétro", "rétro", "rétro", "rétro", "vintage"),
    "firm": ("ferme", "ferme", "fermes", "fermes", "firm"),
    "breathable": ("respirant", "respirante", "respirants", "respirantes", "breathable"),
    "wireless": ("sans fil", "sans fil", "sans fil", "sans fil", "wireless"),
    "hydrating": ("hydratant", "hydratante", "hydratants", "hydratantes", "hydrating"),
    "matte": ("mat", "mate", "mats", "mates", "matte"),
}

MATERIALS: dict[str, tuple[str, str]] = {
    "linen": ("en lin", "linen"),
    "cotton": ("en coton biologique", "organic cotton"),
    "merino": ("en laine mérinos", "merino wool"),
    "leather": ("en cuir", "leather"),
    "denim": ("en denim", "denim"),
    "silk": ("en soie", "silk"),
    "down": ("en duvet", "down"),
    "mesh": ("en maille", "mesh"),
    "nylon": ("en nylon recyclé", "recycled nylon"),
    "wool": ("en laine", "wool"),
    "foam": ("en mousse mémoire", "memory foam"),
    "latex": ("en latex naturel", "natural latex"),
    "oak": ("en chêne", "oak"),
}

SHOE_SIZES = ["38", "39", "40", "41", "42", "43", "44", "45"]
CLOTHING_SIZES = ["XS", "S", "M", "L", "XL"]
ONE_SIZE = ["U"]
BED_SIZES = ["simple", "double", "queen", "king"]
HELMET_SIZES = ["S", "M", "L"]

BRANDS = [
    "Boréal",
    "Maison Laurentide",
    "Atelier Saint-Laurent",
    "Nordika",
    "Érable & Cie",
    "Fjordline",
    "Cap-Rouge",
    "Lumen",
    "Aurore Sport",
    "Véloce",
]


@dataclass(frozen=True)
class ProductType:
    code: str
    category: str
    fr: str
    gender: str  # "m" or "f", with "p" appended for plural nouns
    en: str
    about_fr: str
    about_en: str
    adjectives: tuple[str, ...]
    materials: tuple[str, ...] = ()
    sizes: tuple[str, ...] = tuple(ONE_SIZE)
    colours: tuple[str, ...] = ("black", "white")
    price: int = 5000
    hygiene: str = "standard"
    consult: bool = False


TYPES: list[ProductType] = [
    ProductType(
        "RUN",
        "chaussures",
        "Chaussures de course",
        "fp",
        "running shoes",
        "Amorti réactif et semelle adhérente pour courir sur route comme en sentier.",
        "Responsive cushioning and a grippy sole for road and trail running.",
        ("light", "breathable", "comfy", "sporty", "durable"),
        ("mesh",),
        tuple(SHOE_SIZES),
        ("black", "blue", "white"),
        12999,
    ),
    ProductType(
        "HIK",
        "chaussures",
        "Bottes de randonnée",
        "fp",
        "hiking boots",
        "Tige montante et membrane pour les longues journées en montagne.",
        "High-cut upper and a membrane for long days in the mountains.",
        ("waterproof", "durable", "insulated", "comfy"),
        ("leather", "nylon"),
        tuple(SHOE_SIZES),
        ("brown", "black"),
        18999,
    ),
    ProductType(
        "SAN",
        "chaussures",
        "Sandales",
        "fp",
        "sandals",
        "Bride réglable et semelle souple pour l'été.",
        "Adjustable strap and a soft footbed for summer.",
        ("light", "comfy", "natural"),
        ("leather",),
        tuple(SHOE_SIZES),
        ("brown", "beige"),
        5999,
    ),
    ProductType(
        "SNK",
        "chaussures",
        "Baskets",
        "fp",
        "sneakers",
        "Un classique de ville qui va avec tout.",
        "A city classic that goes with everything.",
        ("classic", "vintage", "comfy"),
        ("leather", "denim"),
        tuple(SHOE_SIZES),
        ("white", "black", "red"),
        8999,
    ),
    ProductType(
        "DRS",
        "robes",
        "Robe d'été",
        "f",
        "summer dress",
        "Coupe fluide et tissu frais pour les journées chaudes.",
        "Flowing cut and a cool fabric for hot days.",
        ("light", "elegant", "natural", "fitted"),
        ("linen", "cotton", "silk"),
        tuple(CLOTHING_SIZES),
        ("white", "yellow", "blue"),
        7999,
    ),
    ProductType(
        "EVE",
        "robes",
        "Robe de soirée",
        "f",
        "evening dress",
        "Une silhouette habillée pour les grandes occasions.",
        "A dressy silhouette for special occasions.",
        ("elegant", "fitted", "classic"),
        ("silk",),
        tuple(CLOTHING_SIZES),
        ("black", "red", "navy"),
        14999,
    ),
    ProductType(
        "SHI",
        "hauts",
        "Chemise",
        "f",
        "shirt",
        "Col classique et boutons de nacre, du bureau au week-end.",
        "Classic collar and pearl buttons, from office to weekend.",
        ("classic", "fitted", "light"),
        ("linen", "cotton", "denim"),
        tuple(CLOTHING_SIZES),
        ("white", "blue"),
        5999,
    ),
    ProductType(
        "SWE",
        "hauts",
        "Chandail",
        "m",
        "sweater",
        "Maille épaisse pour les soirées fraîches d'automne.",
        "Chunky knit for cool autumn evenings.",
        ("warm", "soft", "classic"),
        ("merino", "cotton", "wool"),
        tuple(CLOTHING_SIZES),
        ("grey", "navy", "beige"),
        8999,
    ),
    ProductType(
        "COA",
        "manteaux",
        "Manteau d'hiver",
        "m",
        "winter coat",
        "Capuche doublée et coupe longue contre le froid québécois.",
        "Lined hood and a long cut against the Quebec cold.",
        ("warm", "waterproof", "insulated", "elegant"),
        ("down", "wool"),
        tuple(CLOTHING_SIZES),
        ("black", "navy", "green"),
        34999,
        consult=True,
    ),
    ProductType(
        "RAI",
        "manteaux",
        "Veste de pluie",
        "f",
        "rain jacket",
        "Coutures scellées et capuche ajustable.",
        "Sealed seams and an adjustable hood.",
        ("waterproof", "light", "compact", "breathable"),
        ("nylon",),
        tuple(CLOTHING_SIZES),
        ("yellow", "green", "navy"),
        12999,
    ),
    ProductType(
        "JEA",
        "pantalons",
        "Jean",
        "m",
        "jeans",
        "Denim extensible et cinq poches.",
        "Stretch denim with five pockets.",
        ("classic", "fitted", "vintage", "durable"),
        ("denim",),
        ("28", "30", "32", "34", "36"),
        ("blue", "black"),
        7999,
    ),
    ProductType(
        "PAN",
        "pantalons",
        "Pantalon",
        "m",
        "trousers",
        "Pli marqué et taille confortable.",
        "Pressed crease and a comfortable waist.",
        ("classic", "light", "elegant"),
        ("linen", "wool", "cotton"),
        tuple(CLOTHING_SIZES),
        ("beige", "navy", "grey"),
        6999,
    ),
    ProductType(
        "SWM",
        "maillots",
        "Maillot de bain",
        "m",
        "swimsuit",
        "Tissu résistant au chlore, séchage rapide. Article d'hygiène scellé.",
        "Chlorine-resistant fabric, quick drying. Sealed hygiene item.",
        ("sporty", "classic", "fitted"),
        ("nylon",),
        tuple(CLOTHING_SIZES),
        ("black", "red", "blue"),
        6999,
        "sealed_hygiene",
    ),
    ProductType(
        "BIK",
        "maillots",
        "Bikini",
        "m",
        "bikini",
        "Deux pièces à bretelles réglables. Article d'hygiène scellé.",
        "Two-piece with adjustable straps. Sealed hygiene item.",
        ("classic", "vintage", "fitted"),
        ("nylon",),
        tuple(CLOTHING_SIZES),
        ("pink", "yellow", "black"),
        5999,
        "sealed_hygiene",
    ),
    ProductType(
        "EAR",
        "electronique",
        "Écouteurs",
        "mp",
        "earbuds",
        "Réduction de bruit active et étui de recharge. Scellés pour votre hygiène.",
        "Active noise cancelling and a charging case. Sealed for hygiene.",
        ("wireless", "compact", "sporty", "ergonomic"),
        (),
        tuple(ONE_SIZE),
        ("black", "white"),
        17999,
        "sealed_hygiene",
        True,
    ),
    ProductType(
        "HDP",
        "electronique",
        "Casque d'écoute",
        "m",
        "headphones",
        "Grands coussinets et autonomie de 30 heures.",
        "Large cushions and 30 hours of battery life.",
        ("wireless", "comfy", "compact", "classic"),
        (),
        tuple(ONE_SIZE),
        ("black", "grey"),
        22999,
        consult=True,
    ),
    ProductType(
        "LIP",
        "cosmetiques",
        "Rouge à lèvres",
        "m",
        "lipstick",
        "Tenue longue durée, sans parabènes. Produit scellé.",
        "Long-wearing, paraben-free. Sealed product.",
        ("matte", "hydrating", "classic"),
        (),
        tuple(ONE_SIZE),
        ("red", "pink", "brown"),
        2899,
        "sealed_hygiene",
    ),
    ProductType(
        "CRM",
        "cosmetiques",
        "Crème pour le visage",
        "f",
        "face cream",
        "Texture légère à l'acide hyaluronique. Produit scellé.",
        "Light texture with hyaluronic acid. Sealed product.",
        ("hydrating", "natural", "soft"),
        (),
        ("50 ml", "100 ml"),
        ("white",),
        3999,
        "sealed_hygiene",
    ),
    ProductType(
        "PRF",
        "cosmetiques",
        "Parfum",
        "m",
        "perfume",
        "Notes boisées et florales. Flacon scellé.",
        "Woody and floral notes. Sealed bottle.",
        ("elegant", "natural", "classic"),
        (),
        ("30 ml", "50 ml", "100 ml"),
        ("white",),
        8999,
        "sealed_hygiene",
    ),
    ProductType(
        "MAT",
        "literie",
        "Matelas",
        "m",
        "mattress",
        "Soutien ferme et housse lavable; nettoyable et assaini s'il est retourné.",
        "Firm support and a washable cover; cleanable and sanitized if returned.",
        ("firm", "comfy", "natural", "ergonomic"),
        ("foam", "latex"),
        tuple(BED_SIZES),
        ("white",),
        89999,
        "cleanable",
        True,
    ),
    ProductType(
        "PIL",
        "literie",
        "Oreiller",
        "m",
        "pillow",
        "Soutien de la nuque pour dormir sur le dos ou sur le côté.",
        "Neck support for back and side sleepers.",
        ("ergonomic", "soft", "firm"),
        ("foam", "latex", "down"),
        ("standard", "queen"),
        ("white",),
        6999,
        "cleanable",
    ),
    ProductType(
        "BHE",
        "sport",
        "Casque de vélo",
        "m",
        "bike helmet",
        "Coque ventilée et ajustement micrométrique; nettoyable après retour.",
        "Vented shell and a micro-adjust fit; cleanable after return.",
        ("light", "breathable", "sporty", "durable"),
        (),
        tuple(HELMET_SIZES),
        ("black", "white", "red"),
        11999,
        "cleanable",
    ),
    ProductType(
        "SKI",
        "sport",
        "Casque de ski",
        "m",
        "ski helmet",
        "Doublure chaude amovible et compatible avec les lunettes.",
        "Removable warm lining, goggle compatible.",
        ("warm", "insulated", "light", "durable"),
        (),
        tuple(HELMET_SIZES),
        ("black", "white"),
        15999,
        "cleanable",
        True,
    ),
    ProductType(
        "YOG",
        "sport",
        "Tapis de yoga",
        "m",
        "yoga mat",
        "Surface antidérapante et épaisseur de 6 mm.",
        "Non-slip surface, 6 mm thick.",
        ("natural", "light", "compact"),
        ("latex",),
        tuple(ONE_SIZE),
        ("green", "blue", "pink"),
        4999,
    ),
    ProductType(
        "TNT",
        "plein-air",
        "Tente",
        "f",
        "tent",
        "Montage rapide, deux places, double toit.",
        "Quick pitch, two person, double wall.",
        ("light", "waterproof", "compact"),
        ("nylon",),
        tuple(ONE_SIZE),
        ("green", "yellow"),
        24999,
        consult=True,
    ),
    ProductType(
        "BAG",
        "accessoires",
        "Sac à dos",
        "m",
        "backpack",
        "Compartiment pour ordinateur et bretelles rembourrées.",
        "Laptop sleeve and padded straps.",
        ("waterproof", "compact", "durable", "classic"),
        ("leather", "nylon"),
        tuple(ONE_SIZE),
        ("black", "navy", "green"),
        8999,
    ),
    ProductType(
        "HBG",
        "accessoires",
        "Sac à main",
        "m",
        "handbag",
        "Fermoir doré et bandoulière amovible.",
        "Gold clasp and a removable shoulder strap.",
        ("elegant", "classic", "vintage"),
        ("leather",),
        tuple(ONE_SIZE),
        ("black", "brown", "red"),
        19999,
        consult=True,
    ),
    ProductType(
        "WAT",
        "accessoires",
        "Montre",
        "f",
        "watch",
        "Boîtier en acier et verre saphir.",
        "Steel case and sapphire crystal.",
        ("elegant", "classic", "sporty"),
        ("leather",),
        tuple(ONE_SIZE),
        ("black", "brown"),
        29999,
        consult=True,
    ),
    ProductType(
        "SUN",
        "accessoires",
        "Lunettes de soleil",
        "fp",
        "sunglasses",
        "Verres polarisés et protection UV400.",
        "Polarized lenses and UV400 protection.",
        ("classic", "vintage", "light"),
        (),
        tuple(ONE_SIZE),
        ("black", "brown"),
        12999,
    ),
    ProductType(
        "SCF",
        "accessoires",
        "Foulard",
        "m",
        "scarf",
        "Grand format à porter de mille façons.",
        "Large size to wear a thousand ways.",
        ("soft", "warm", "elegant"),
        ("silk", "wool", "merino"),
        tuple(ONE_SIZE),
        ("red", "navy", "beige"),
        4999,
    ),
    ProductType(
        "TUQ",
        "accessoires",
        "Tuque",
        "f",
        "beanie",
        "Maille côtelée et revers, pour les matins d'hiver.",
        "Ribbed knit with a cuff, for winter mornings.",
        ("warm", "soft", "classic"),
        ("merino", "wool"),
        tuple(ONE_SIZE),
        ("grey", "red", "navy"),
        2999,
    ),
    ProductType(
        "GLV",
        "accessoires",
        "Gants",
        "mp",
        "gloves",
        "Bout des doigts compatible avec les écrans tactiles.",
        "Touchscreen-friendly fingertips.",
        ("warm", "insulated", "soft"),
        ("leather", "wool"),
        ("S", "M", "L"),
        ("black", "brown"),
        3999,
    ),
    ProductType(
        "SOC",
        "sous-vetements",
        "Chaussettes",
        "fp",
        "socks",
        "Talon renforcé, vendues par trois paires.",
        "Reinforced heel, sold in packs of three.",
        ("warm", "soft", "sporty", "breathable"),
        ("merino", "cotton"),
        ("S", "M", "L"),
        ("grey", "black", "white"),
        1999,
    ),
    ProductType(
        "UND",
        "sous-vetements",
        "Boxeur",
        "m",
        "boxer briefs",
        "Ceinture douce sans étiquette. Article d'hygiène scellé.",
        "Soft tag-free waistband. Sealed hygiene item.",
        ("soft", "fitted", "breathable"),
        ("cotton", "merino"),
        tuple(CLOTHING_SIZES),
        ("black", "grey", "navy"),
        2499,
        "sealed_hygiene",
    ),
    ProductType(
        "SOF",
        "maison",
        "Canapé",
        "m",
        "sofa",
        "Trois places, coussins déhoussables. Démonstration en vidéo avec un conseiller.",
        "Three-seater with removable cushion covers. Video demo with an advisor.",
        ("comfy", "elegant", "classic", "vintage"),
        ("linen", "leather"),
        tuple(ONE_SIZE),
        ("grey", "beige", "green"),
        129999,
        consult=True,
    ),
    ProductType(
        "LMP",
        "maison",
        "Lampe de table",
        "f",
        "table lamp",
        "Lumière chaude et intensité réglable.",
        "Warm light with adjustable brightness.",
        ("elegant", "compact", "vintage", "natural"),
        ("oak",),
        tuple(ONE_SIZE),
        ("white", "black", "beige"),
        7999,
    ),
    ProductType(
        "MUG",
        "maison",
        "Tasse",
        "f",
        "mug",
        "Grès émaillé, va au lave-vaisselle.",
        "Glazed stoneware, dishwasher safe.",
        ("classic", "vintage", "natural"),
        (),
        ("350 ml",),
        ("white", "blue", "green"),
        1899,
    ),
]


def _adjective(key: str, gender: str) -> tuple[str, str]:
    ms, fs, mp, fp, en = ADJECTIVES[key]
    return {"m": ms, "f": fs, "mp": mp, "fp": fp}[gender], en


def _combos(kind: ProductType) -> list[tuple[str, str | None]]:
    """Every adjective (then every pair of adjectives) with every material, in a fixed order that
    spreads materials over the first products of a type."""
    materials: list[str | None] = [*kind.materials, None]
    singles = [
        (adjective, materials[(index + round_) % len(materials)])
        for round_ in range(len(materials))
        for index, adjective in enumerate(kind.adjectives)
    ]
    pairs = [
        (f"{first}+{second}", material)
        for material in reversed(materials)
        for first in kind.adjectives
        for second in kind.adjectives
        if first < second
    ]
    # "natural natural latex": an adjective already said by the material is left out.
    return [
        (adjectives, material)
        for adjectives, material in singles + pairs
        if material is None or not any(ADJECTIVES[key][4] in MATERIALS[material][1] for key in adjectives.split("+"))
    ]


def _names(kind: ProductType, adjective_key: str, material: str | None) -> tuple[str, str]:
    fr_words, en_words = [kind.fr], []
    for key in adjective_key.split("+"):
        fr, en = _adjective(key, kind.gender)
        fr_words.append(fr)
        en_words.append(en)
    if len(fr_words) == 3:
        fr_words.insert(2, "et")
    if material:
        fr_words.append(MATERIALS[material][0])
        en_words.append(MATERIALS[material][1])
    english = " ".join([*en_words, kind.en])
    return " ".join(fr_words), english[0].upper() + english[1:]


def demo_products() -> list[Product]:
    products: list[Product] = []
    seen_names: set[str] = set()
    for type_index, kind in enumerate(TYPES):
        made = 0
        for adjective_key, material in _combos(kind):
            if made == PER_TYPE:
                break
            name_fr, name_en = _names(kind, adjective_key, material)
            if name_fr in seen_names:
                continue
            seen_names.add(name_fr)
            index = made
            made += 1
            sku = f"VT-{kind.code}-{index + 1:03d}"
            brand = BRANDS[(type_index * 3 + index) % len(BRANDS)]
            price = kind.price + (index % 5) * (kind.price // 8)
            price = price - price % 100 + 99
            product = Product(
                id=uuid.uuid5(NAMESPACE, sku),
                sku=sku,
                name_fr=name_fr,
                name_en=name_en,
                description_fr=f"{name_fr} signé {brand}. {kind.about_fr}",
                description_en=f"{name_en} by {brand}. {kind.about_en}",
                brand=brand,
                categories=[kind.category],
                price_minor=price,
                images=[f"https://cdn.vitrine.test/products/{sku.lower()}/1.jpg"],
                attributes={"material": MATERIALS[material][1]} if material else {},
                hygiene_class=kind.hygiene,
                consult_available=kind.consult or index % 4 == 0,
                final_sale=kind.hygiene == "sealed_hygiene" and index % 3 == 0,
            )
            colours = [
                kind.colours[(index + offset) % len(kind.colours)] for offset in range(min(2, len(kind.colours)))
            ]
            for colour in dict.fromkeys(colours):
                for size_index, size in enumerate(kind.sizes):
                    # Deterministic, uneven stock, with some sizes sold out.
                    on_hand = (type_index * 7 + index * 5 + size_index * 3 + len(colour)) % 13
                    product.variants.append(
                        Variant(
                            sku=f"{sku}-{size.replace(' ', '').upper()}-{colour.upper()}",
                            product_id=product.id,
                            size=size,
                            colour=colour,
                            on_hand=on_hand if on_hand > 2 else 0,
                        )
                    )
            products.append(product)
    return products
