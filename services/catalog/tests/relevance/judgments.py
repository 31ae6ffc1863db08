"""The rule behind the labels in queries.json, kept so the labels can be regenerated when the
demo catalog changes: `python services/catalog/tests/relevance/judgments.py > queries.json`.

Grade 2: the product is of the type the query asks for and has every qualifier (a qualifier is
the beginning of a word of its French or English name, accents folded); grade 1: the right type
without every qualifier; everything else is not relevant."""

import json
import sys

from catalog.domain.text import words
from catalog.entrypoints.seed_data import demo_products

QUERIES: list[tuple[str, str, list[str], list[str]]] = [
    ("robe d'été en lin", "fr", ["DRS"], ["lin"]),
    ("linen summer dress", "en", ["DRS"], ["linen"]),
    ("robe d'ete", "fr", ["DRS"], []),
    ("chaussures de course", "fr", ["RUN"], []),
    ("running shoes", "en", ["RUN"], []),
    ("chaussure de course legere", "fr", ["RUN"], ["leger"]),
    ("lightweight running shoe", "en", ["RUN"], ["lightweight"]),
    ("bottes de randonnée imperméables", "fr", ["HIK"], ["impermeable"]),
    ("waterproof hiking boots", "en", ["HIK"], ["waterproof"]),
    ("sandales en cuir", "fr", ["SAN"], ["cuir"]),
    ("leather sandals", "en", ["SAN"], ["leather"]),
    ("baskets rétro", "fr", ["SNK"], ["retro"]),
    ("vintage sneakers", "en", ["SNK"], ["vintage"]),
    ("robe de soirée élégante", "fr", ["EVE"], ["elegant"]),
    ("elegant evening dress", "en", ["EVE"], ["elegant"]),
    ("chemise en lin", "fr", ["SHI"], ["lin"]),
    ("denim shirt", "en", ["SHI"], ["denim"]),
    ("chandail en laine mérinos", "fr", ["SWE"], ["merinos"]),
    ("warm sweater", "en", ["SWE"], ["warm"]),
    ("manteau d'hiver en duvet", "fr", ["COA"], ["duvet"]),
    ("down winter coat", "en", ["COA"], ["down"]),
    ("veste de pluie", "fr", ["RAI"], []),
    ("rain jacket", "en", ["RAI"], []),
    ("jean rétro", "fr", ["JEA"], ["retro"]),
    ("maillot de bain", "fr", ["SWM"], []),
    ("swimsuit", "en", ["SWM"], []),
    ("écouteurs sans fil", "fr", ["EAR"], ["sans", "fil"]),
    ("wireless earbuds", "en", ["EAR"], ["wireless"]),
    ("casque d'écoute", "fr", ["HDP"], []),
    ("headphones", "en", ["HDP"], []),
    ("rouge à lèvres mat", "fr", ["LIP"], ["mat"]),
    ("lipstick", "en", ["LIP"], []),
    ("crème hydratante", "fr", ["CRM"], ["hydrat"]),
    ("face cream", "en", ["CRM"], []),
    ("parfum", "fr", ["PRF"], []),
    ("matelas ferme", "fr", ["MAT"], ["ferme"]),
    ("memory foam mattress", "en", ["MAT"], ["memory"]),
    ("oreiller", "fr", ["PIL"], []),
    ("pillow", "en", ["PIL"], []),
    ("casque de vélo", "fr", ["BHE"], []),
    ("bike helmet", "en", ["BHE"], []),
    ("casque de ski", "fr", ["SKI"], []),
    ("tapis de yoga", "fr", ["YOG"], []),
    ("yoga mat", "en", ["YOG"], []),
    ("tente légère", "fr", ["TNT"], ["leger"]),
    ("sac à dos imperméable", "fr", ["BAG"], ["impermeable"]),
    ("leather backpack", "en", ["BAG"], ["leather"]),
    ("sac à main", "fr", ["HBG"], []),
    ("montre en cuir", "fr", ["WAT"], ["cuir"]),
    ("lunettes de soleil", "fr", ["SUN"], []),
    ("sunglasses", "en", ["SUN"], []),
    ("foulard", "fr", ["SCF"], []),
    ("tuque", "fr", ["TUQ"], []),
    ("beanie", "en", ["TUQ"], []),
    ("gants en cuir", "fr", ["GLV"], ["cuir"]),
    ("chaussettes en laine mérinos", "fr", ["SOC"], ["merinos"]),
    ("wool socks", "en", ["SOC"], ["wool"]),
    ("canapé en cuir", "fr", ["SOF"], ["cuir"]),
    ("sofa", "en", ["SOF"], []),
    ("lampe de table", "fr", ["LMP"], []),
    ("tasse", "fr", ["MUG"], []),
    ("mug", "en", ["MUG"], []),
    # Typos on words of five letters or more.
    ("matelat", "fr", ["MAT"], []),
    ("chausettes", "fr", ["SOC"], []),
    ("headphnes", "en", ["HDP"], []),
    ("sunglases", "en", ["SUN"], []),
]


def labels() -> list[dict[str, object]]:
    products = demo_products()
    cases = []
    for query, language, types, qualifiers in QUERIES:
        graded: dict[str, int] = {}
        for product in products:
            if product.sku.split("-")[1] not in types:
                continue
            name_words = words(f"{product.name_fr} {product.name_en}")
            complete = all(any(word.startswith(q) for word in name_words) for q in qualifiers)
            graded[product.sku] = 2 if complete else 1
        cases.append({"query": query, "lang": language, "relevant": graded})
    return cases


if __name__ == "__main__":
    json.dump(labels(), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
