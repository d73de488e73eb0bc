"""YAML as Guichet writes it: key order kept, accents as they are, multi-line texts as block literals.

One writer for the generated Rasa files (generation.py) and the FAQ theme files
(sources_faq.py), so both round-trip to the same bytes.
"""

from __future__ import annotations

from typing import Any

import yaml


class Litteral(str):
    """A string written in YAML block literal style (``|``)."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(Litteral, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", str(s), style="|"))


def vers_yaml(contenu: Any) -> str:
    return yaml.dump(contenu, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)
