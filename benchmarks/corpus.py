"""A synthetic corpus of "News from the BioCity Campus" pages, deterministic by seed.

Why synthetic: the benchmark needs thousands of articles that look like the real
ones to the pipeline (the same sentence lengths, entity density, signature
blocks, teasers and machine-translation damage), and the real pages cannot be
shipped. Every name here is invented from word parts (companies, institutes,
projects, people); only public bodies and Saxon towns are real, because the real
corpus names them too. Entities are drawn from corpus-wide pools, so the same
company recurs across articles and cross-article resolution has work to do.

`generate(n, seed)` yields page texts; `python -m benchmarks.corpus N OUTDIR
--seed S` writes them as `page_00000.txt`, ... The same (n, seed) always gives
the same bytes, and the first k pages of a larger corpus equal a corpus of k.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

HEADER = "News from the BioCity Campus"

_PREFIXES = (
    "Bio",
    "Cell",
    "Gen",
    "Med",
    "Nova",
    "Vita",
    "Immu",
    "Neuro",
    "Cardio",
    "Onco",
    "Pharma",
    "Thera",
    "Lumi",
    "Proteo",
    "Cyto",
    "Sana",
    "Helio",
    "Aqua",
    "Prime",
    "Viro",
    "Derma",
    "Regen",
    "Osteo",
    "Synth",
    "Micro",
    "Nano",
    "Lyra",
    "Axon",
    "Kera",
    "Myco",
)
_SUFFIXES = (
    "tec",
    "gen",
    "vance",
    "logic",
    "medix",
    "plex",
    "cure",
    "matrix",
    "sense",
    "lab",
    "sys",
    "nostics",
    "thera",
    "scan",
    "form",
    "bridge",
    "print",
    "core",
    "vision",
    "wave",
    "pharm",
    "ion",
    "sphere",
    "trace",
    "quant",
    "flow",
    "line",
    "nova",
    "cell",
    "bio",
)
_COMPANY_TAILS = (
    "",
    "",
    "",
    " Biotech",
    " Diagnostics",
    " Therapeutics",
    " Medical",
    " Life Sciences",
    " Pharma",
    " Analytics",
    " Technologies",
    " Solutions",
)
_LEGAL_FORMS = (
    "GmbH",
    "GmbH",
    "GmbH",
    "AG",
    "AG",
    "UG",
    "SE",
    "GmbH & Co. KG",
    "e. V.",
    "gGmbH",
    "Inc.",
)
_FIELDS = (
    "Cell Therapy and Immunology",
    "Molecular Medicine",
    "Biomedical Engineering",
    "Applied Genomics",
    "Regenerative Medicine",
    "Medical Informatics",
    "Drug Discovery",
    "Clinical Immunology",
    "Translational Oncology",
    "Bioprocess Engineering",
    "Computational Biology",
    "Laboratory Medicine",
    "Infection Research",
    "Biomaterials",
    "Neurodegeneration",
    "Metabolic Diseases",
    "Digital Pathology",
    "Tissue Engineering",
    "Precision Diagnostics",
    "Environmental Biotechnology",
)
_INSTITUTE_HEADS = ("Institute", "Center", "Centre", "Laboratory")
_UNIVERSITIES = (
    ("University of Leipzig", "Leipzig"),
    ("Dresden University of Technology", "Dresden"),
    ("Chemnitz University of Technology", "Chemnitz"),
    ("University of Applied Sciences Mittweida", "Mittweida"),
    ("Leipzig University of Applied Sciences", "Leipzig"),
    ("Freiberg University of Mining and Technology", "Freiberg"),
    ("Zittau/Görlitz University of Applied Sciences", "Zittau"),
    ("Martin Luther University Halle-Wittenberg", "Halle"),
)
_FACULTIES = ("Medical Faculty", "Faculty of Life Sciences", "Faculty of Chemistry")
_HOSPITALS = (
    ("University Hospital Leipzig", "UKL", "Leipzig"),
    ("University Hospital Dresden", "UKD", "Dresden"),
    ("Heart Center Leipzig", "HZL", "Leipzig"),
    ("Chemnitz Clinic", "KC", "Chemnitz"),
    ("St. Georg Hospital Leipzig", "SGL", "Leipzig"),
    ("Zwickau Heinrich Braun Hospital", "HBK", "Zwickau"),
)
_FUNDERS = (
    ("Federal Ministry of Education and Research", "BMBF"),
    ("Federal Ministry for Economic Affairs and Energy", "BMWi"),
    ("Federal Ministry of Health", "BMG"),
    ("Saxon State Ministry for Science, Culture and Tourism", "SMWK"),
    ("Saxon State Ministry for Economic Affairs, Labour and Transport", "SMWA"),
    ("European Regional Development Fund", "ERDF"),
    ("German Research Foundation", "DFG"),
    ("Sächsische Aufbaubank", "SAB"),
    ("European Research Council", "ERC"),
    ("Volkswagen Foundation", ""),
)
_CLUSTERS = (
    "innovation cluster Smart Medical Devices and Therapies",
    "Healthcare and Biotechnology Cluster Leipzig",
    "Saxon Life Sciences Network",
    "Central German Medical Technology Alliance",
    "network Digital Health Saxony",
    "Bioeconomy Cluster Central Germany",
)
_GROUP_TOPICS = (
    "Cell Therapies",
    "Digital Health",
    "Diagnostics",
    "Regulatory Affairs",
    "Biobanking",
    "Medical Imaging",
    "GMP Manufacturing",
    "Artificial Intelligence in Medicine",
    "Antibody Engineering",
    "Skilled Workers",
    "Start-up Support",
    "Telemedicine",
)
_PROJECT_WORDS = (
    "Personalized",
    "Smart",
    "Integrated",
    "Adaptive",
    "Networked",
    "Digital",
    "Precise",
    "Sustainable",
    "Open",
    "Rapid",
    "Connected",
    "Autonomous",
)
_PROJECT_NOUNS = (
    "Tumor Diagnostics",
    "Implant Care",
    "Organ Perfusion",
    "Wound Healing",
    "Cancer Medicine",
    "Stem Cell Production",
    "Sepsis Detection",
    "Rehabilitation",
    "Biofilm Analysis",
    "Vaccine Development",
    "Surgical Assistance",
    "Patient Monitoring",
)
_PRODUCT_STEMS = (
    "Cartilo",
    "Immuna",
    "Vasco",
    "Dermi",
    "Osteo",
    "Neura",
    "Hepa",
    "Cordi",
    "Lympho",
    "Pulmo",
)
_PRODUCT_TAILS = ("graft", "vax", "gel", "scan", "kit", "plant", "test", "flow")
_FIRST = (
    "Anna",
    "Thomas",
    "Katrin",
    "Michael",
    "Sabine",
    "Jens",
    "Claudia",
    "Stefan",
    "Julia",
    "Frank",
    "Susanne",
    "Andreas",
    "Heike",
    "Matthias",
    "Petra",
    "Christian",
    "Ulrike",
    "Tobias",
    "Martina",
    "Sebastian",
    "Kerstin",
    "Holger",
    "Nadine",
    "Ralf",
    "Lena",
    "Felix",
)
_LAST = (
    "Berger",
    "Hahn",
    "Krause",
    "Lehmann",
    "Schubert",
    "Vogel",
    "Winkler",
    "Seidel",
    "Frenzel",
    "Günther",
    "Ziegler",
    "Brandt",
    "Pohl",
    "Kühn",
    "Haase",
    "Riedel",
    "Lorenz",
    "Böhme",
    "Voigt",
    "Engel",
    "Franke",
    "Kaiser",
    "Arnold",
    "Sommer",
    "Förster",
    "Weise",
    "Thiele",
    "Jahn",
    "Ulbricht",
    "Kretzschmar",
    "Reinhardt",
    "Naumann",
    "Heinrich",
    "Wolff",
)
_TITLES = ("Prof. Dr.", "Dr.", "Prof.", "Dr. med.", "", "")
_ROLES = (
    "Managing Director",
    "Head of the working group",
    "Chief Executive Officer",
    "Director",
    "Head of Research",
    "Project Coordinator",
    "Chief Scientific Officer",
    "Spokesperson",
    "Head of Department",
    "Chairman of the Board",
)
_PLACES = (
    "Leipzig",
    "Dresden",
    "Chemnitz",
    "Freiberg",
    "Zwickau",
    "Görlitz",
    "Bautzen",
    "Meissen",
    "Plauen",
    "Markkleeberg",
    "Radebeul",
    "Pirna",
    "Grimma",
    "Delitzsch",
    "Mittweida",
    "Halle",
)
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_TOPICS = (
    "cell therapies",
    "medical technology",
    "digital health",
    "biobanking",
    "diagnostics",
    "regenerative medicine",
    "oncology",
    "immunotherapy",
    "biotechnology",
    "bioeconomy",
)


@dataclass(frozen=True)
class Org:
    """An organisation: full name, optional acronym or short form, and where it sits."""

    name: str
    short: str
    place: str


@dataclass(frozen=True)
class Person:
    title: str
    first: str
    last: str
    role: str

    @property
    def full(self) -> str:
        return " ".join(p for p in (self.title, self.first, self.last) if p)


@dataclass(frozen=True)
class Pools:
    """The corpus-wide cast: articles draw from it, so names recur across pages."""

    companies: tuple[Org, ...]
    institutes: tuple[Org, ...]
    groups: tuple[str, ...]
    projects: tuple[str, ...]
    products: tuple[str, ...]
    people: tuple[Person, ...]


def _unique(rng: random.Random, make: Callable[[], str], count: int) -> list[str]:
    """`count` distinct outputs of `make`; the attempt cap keeps a small name space from looping."""
    seen: dict[str, None] = {}
    for _ in range(count * 20):
        if len(seen) >= count:
            break
        seen.setdefault(make(), None)
    return list(seen)


def make_pools(seed: int) -> Pools:
    """Invent the cast of a corpus; sizes are chosen so a 2,000-page corpus reuses names."""
    rng = random.Random(f"pools:{seed}")

    def brand() -> str:
        return rng.choice(_PREFIXES) + rng.choice(_SUFFIXES)

    companies = []
    for stem in _unique(rng, lambda: brand() + rng.choice(_COMPANY_TAILS), 400):
        legal = rng.choice(_LEGAL_FORMS)
        companies.append(Org(f"{stem} {legal}", stem, rng.choice(_PLACES)))

    institutes = []
    for field_name in _FIELDS:
        for head in rng.sample(_INSTITUTE_HEADS, 2):
            words = [w for w in field_name.replace("and", " ").split() if w[0].isupper()]
            acronym = head[0] + "".join(w[0] for w in words)
            institutes.append(Org(f"{head} for {field_name}", acronym.upper(), rng.choice(_PLACES)))

    def project() -> str:
        return f"{rng.choice(_PROJECT_WORDS)} {rng.choice(_PROJECT_NOUNS)}"

    def product() -> str:
        return rng.choice(_PRODUCT_STEMS) + rng.choice(_PRODUCT_TAILS)

    def person() -> str:
        return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"

    people = [
        Person(rng.choice(_TITLES), *name.split(" ", 1), rng.choice(_ROLES))
        for name in _unique(rng, person, 600)
    ]
    return Pools(
        companies=tuple(companies),
        institutes=tuple(institutes),
        groups=_GROUP_TOPICS,
        projects=tuple(_unique(rng, project, 120)),
        products=tuple(_unique(rng, product, 60)),
        people=tuple(people),
    )


class _Writer:
    """Writes one page; every random choice goes through `self.rng` (one stream per page)."""

    def __init__(self, pools: Pools, rng: random.Random) -> None:
        self.p = pools
        self.rng = rng

    # -- machine-translation artefacts ---------------------------------------

    def year(self) -> str:
        """The MT system turns many years into the placeholder XNUMX."""
        return "XNUMX" if self.rng.random() < 0.4 else str(self.rng.randint(2015, 2023))

    def date(self) -> str:
        """'March 03.03.2021th, XNUMX': month name, a German numeric date, an ordinal suffix."""
        r = self.rng
        month = r.randint(1, 12)
        day = r.randint(1, 28)
        year = r.randint(2016, 2023)
        if r.random() < 0.6:
            return f"{_MONTHS[month - 1]} {day:02d}.{month:02d}.{year}th, {self.year()}"
        return f"{day}. {_MONTHS[month - 1]} {year}"

    def amount(self) -> str:
        r = self.rng
        if r.random() < 0.5:
            return f"{r.randint(1, 12)},{r.randint(1, 9)} million euros"
        return f"{r.randint(100, 950)}.000 euros"

    def count(self) -> str:
        """German thousands separators survive translation: '45.000', '2.600'."""
        return f"{self.rng.randint(1, 60)}.{self.rng.choice(('000', '500', '600', '250'))}"

    # -- entity mentions -----------------------------------------------------

    def company(self) -> Org:
        return self.rng.choice(self.p.companies)

    def institute(self) -> Org:
        return self.rng.choice(self.p.institutes)

    def university(self) -> tuple[str, str]:
        return self.rng.choice(_UNIVERSITIES)

    def funder(self) -> str:
        name, acronym = self.rng.choice(_FUNDERS)
        if acronym and self.rng.random() < 0.3:
            return f"{name} ({acronym})"
        return name

    def person(self) -> Person:
        return self.rng.choice(self.p.people)

    def group(self) -> str:
        return f'working group "{self.rng.choice(self.p.groups)}"'

    def project(self) -> str:
        return self.rng.choice(self.p.projects)

    # -- sentences, one template family per relation ---------------------------

    def sentence(self) -> str:
        r = self.rng
        kind = r.choice(
            (
                self.s_member,
                self.s_part,
                self.s_funded,
                self.s_participates,
                self.s_affiliated,
                self.s_located,
                self.s_produces,
                self.s_hedged,
                self.s_filler,
                self.s_filler,
                self.s_numbers,
            )
        )
        return kind()

    def s_member(self) -> str:
        r, c = self.rng, self.company()
        cluster = r.choice(_CLUSTERS)
        return r.choice(
            (
                f"{c.name} has been a member of the {cluster} since {self.year()}.",
                f"The companies {c.short}, {self.company().short} and {self.company().short} "
                f"are also currently part of the {self.group()}.",
                f"{c.name} joined the {self.group()} of the {cluster} this spring.",
                f"As a new member, {c.short} strengthens the {cluster}.",
            )
        )

    def s_part(self) -> str:
        r, inst = self.rng, self.institute()
        uni, _city = self.university()
        fac = r.choice(_FACULTIES)
        return r.choice(
            (
                f"The {inst.name} ({inst.short}) is part of the {fac} of the {uni}.",
                f"Scientists from the {inst.name} of the {fac} of the {uni} "
                f"contributed their expertise in {r.choice(_TOPICS)}.",
                f"The {inst.short} belongs to the {uni} and was founded in {self.year()}.",
            )
        )

    def s_funded(self) -> str:
        r = self.rng
        project = self.project()
        return r.choice(
            (
                f'The research project "{project}" is funded by the {self.funder()} '
                f"with a total of around {self.amount()}.",
                f"The {self.funder()} supports the joint project {project} with {self.amount()} "
                f"over the next three years.",
                f"{self.company().name} receives {self.amount()} from the {self.funder()} "
                f"for the development of new {r.choice(_TOPICS)} solutions.",
                f"Funding of {self.amount()} comes from the {self.funder()}.",
            )
        )

    def s_participates(self) -> str:
        r = self.rng
        project = self.project()
        return r.choice(
            (
                f"{self.company().name} and the {self.institute().name} are partners in the "
                f'joint project "{project}".',
                f"Together with Saxon companies, the {self.institute().short} will develop pilot "
                f'applications in the project "{project}".',
                f"{self.company().short} is involved in the collaborative project {project} "
                f"as an industrial partner.",
            )
        )

    def s_affiliated(self) -> str:
        r, person = self.rng, self.person()
        org = r.choice((self.company().name, self.institute().name, self.university()[0]))
        claim = r.choice(
            (
                "This is an important step for the region",
                "We are very pleased about the great interest",
                "The cooperation opens up completely new possibilities",
                "Saxony is one of the leading locations for life sciences",
            )
        )
        return r.choice(
            (
                f'"{claim}," says {person.full}, {person.role} of {org}.',
                f"{person.full}, head of the {self.institute().name}, explains the approach.",
                f'"{claim}," explains {person.role} {person.full} from the {org}.',
                f"{person.full} has been {person.role} of {org} since {self.year()}.",
            )
        )

    def s_located(self) -> str:
        r, c = self.rng, self.company()
        return r.choice(
            (
                f"{c.name}, based in {c.place}, employs {r.randint(12, 400)} people.",
                f"The {c.short} headquarters is located in {c.place}.",
                f"The company from {c.place} opened a new laboratory at the BioCity Campus.",
                f"{c.name} is settling in {r.choice(_PLACES)} with a new production site.",
            )
        )

    def s_produces(self) -> str:
        r, c = self.rng, self.company()
        product = r.choice(self.p.products)
        return r.choice(
            (
                f"{c.short} manufactures the product {product}® at the {c.place} site.",
                f"The manufacture of the {c.short} product {product}®, which was approved in "
                f"{self.year()}, is based on work by the {self.institute().name}.",
                f"{c.name} offers {product}, an autologous therapy for cartilage defects.",
            )
        )

    def s_hedged(self) -> str:
        r, c = self.rng, self.company()
        return r.choice(
            (
                f"{c.name} now also intends to relocate its headquarters to {r.choice(_PLACES)}.",
                f'An application was submitted with "{self.project()}" as part of the funding '
                f"competition of the {self.funder()}.",
                f"{c.short} plans to join the {r.choice(_CLUSTERS)} next year.",
            )
        )

    def s_filler(self) -> str:
        r = self.rng
        topic = r.choice(_TOPICS)
        return r.choice(
            (
                f"Challenges in the regulatory area and the recruitment of skilled workers in "
                f"{topic} were discussed.",
                f"The aim of the initial event on {self.date()} in {r.choice(_PLACES)} was to "
                f"jointly identify topics for the coming meetings.",
                f"Furthermore, the presentation of regional competences in {topic} to the outside "
                f"will be a topic in order to establish further international cooperation.",
                f"This is not distant science fiction, but should become reality in the next "
                f"{r.choice(('two', 'three', 'five'))} years.",
                "Interested parties are welcome to contact the organisers.",
            )
        )

    def s_numbers(self) -> str:
        r = self.rng
        place = r.choice(_PLACES)
        return r.choice(
            (
                f"{place}'s healthcare industry, with its {self.count()} employees, is the "
                f"backbone of the city's economic success.",
                f"With {r.randint(5, 40)} research institutions and around {self.count()} "
                f"companies, the cluster covers the entire value chain.",
                f"Since {self.year()}, more than {self.count()} patients have been treated.",
            )
        )

    # -- page parts -----------------------------------------------------------

    def title(self) -> str:
        r = self.rng
        return r.choice(
            (
                f"Successful start of the {self.group()}",
                f"{self.company().short} opens new site in {r.choice(_PLACES)}",
                f"{r.choice(_TOPICS).capitalize()}: {self.funder()} funds new project",
                f"New brochure for {r.choice(_TOPICS)} in {r.choice(_PLACES)}",
                f"{self.institute().short} and {self.company().short} cooperate on "
                f"{r.choice(_TOPICS)}",
            )
        )

    def paragraph(self) -> str:
        first = f"On {self.date()}, " if self.rng.random() < 0.3 else ""
        sentences = [self.sentence() for _ in range(self.rng.randint(3, 6))]
        if first:
            sentences[0] = first + sentences[0][0].lower() + sentences[0][1:]
        return " ".join(sentences)

    def signature(self) -> str:
        r, person = self.rng, self.person()
        org = r.choice((self.company().name, self.institute().name))
        phone = f"Fon: + 49 {r.choice(('341', '351', '371'))} {r.randint(100000, 9999999)}"
        lines = [org, f"{person.first} {person.last}", person.role, phone]
        if r.random() < 0.4:
            lines.append(f"E-mail: {person.last.lower()}@example.org")
        return "\n".join(lines)

    def teaser(self) -> str:
        body = " ".join(self.sentence() for _ in range(self.rng.randint(1, 3)))
        return f"{self.title()}\n\n{body}"

    def page(self) -> str:
        r = self.rng
        parts = [HEADER, self.title()]
        parts.extend(self.paragraph() for _ in range(r.randint(2, 4)))
        if r.random() < 0.25:
            parts.append(f"Source: Report from the city of {r.choice(_PLACES)} from {self.date()}")
        if r.random() < 0.6:
            parts.append("\n" + self.signature())
        if r.random() < 0.7:
            teasers = "\n\n\n".join(self.teaser() for _ in range(r.randint(1, 3)))
            parts.append(f"previous news\n\n{teasers}")
        return "\n\n".join(parts) + "\n"


def generate(n: int, seed: int = 0) -> Iterator[str]:
    """Yield `n` page texts; page i depends only on (seed, i), so prefixes are stable."""
    pools = make_pools(seed)
    for i in range(n):
        yield _Writer(pools, random.Random(f"page:{seed}:{i}")).page()


def write_corpus(n: int, outdir: Path, seed: int = 0) -> list[Path]:
    """Write the pages as UTF-8 .txt files; returns their paths in order."""
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, text in enumerate(generate(n, seed)):
        path = outdir / f"page_{i:05d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of pages")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    paths = write_corpus(args.n, args.outdir, args.seed)
    print(f"wrote {len(paths)} pages to {args.outdir}")


if __name__ == "__main__":
    main()
