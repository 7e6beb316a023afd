"""OpenSanctions' matcher, nomenklatura `logic-v2`, on labelled name pairs: the anchor
`benchmark_names` compares the app's screening with. Run by that command in a separate
virtualenv (`make bench-names` makes it); nomenklatura is never one of the app's
requirements. Reads the pairs CSV (`schema`, `name1`, `name2`), prints one score (0-1)
per pair as a JSON list.
"""

import csv
import json
import sys

from followthemoney import model
from nomenklatura.matching import get_algorithm
from nomenklatura.matching.types import ScoringConfig


def main(path: str) -> None:
    algorithm, config = get_algorithm("logic-v2"), ScoringConfig.defaults()
    scores = []
    with open(path, encoding="utf-8", newline="") as pairs:
        for number, row in enumerate(csv.DictReader(pairs)):
            query, result = model.make_entity(row["schema"]), model.make_entity(row["schema"])
            query.id, result.id = f"query-{number}", f"result-{number}"
            query.add("name", row["name1"])
            result.add("name", row["name2"])
            scores.append(algorithm.compare(query, result, config).score)
    json.dump(scores, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
