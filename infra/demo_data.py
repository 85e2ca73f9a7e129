"""A synthetic PDDIKTI cohort in the bulk-import format (JSON Lines): invented people, realistic shapes.

Deterministic for a seed. Besides ordinary students it plants what a real feed contains: approved leave
(cuti), a non-active semester, short semesters, foreign students with a passport and no NIK, a semester
the university forgot to report, and a report corrected by a later line. Periods are the domain's own
:class:`~domain.registry.period.Period`; the registry here is plain data for the import file, not aggregates.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from domain.registry.period import Period

Line = dict[str, Any] | str  # a record, or a comment

# Province code → (regency code, city) pairs, as they appear in NIKs and birth places.
REGIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "11": (("1171", "Banda Aceh"), ("1173", "Lhokseumawe")),
    "12": (("1271", "Medan"), ("1272", "Pematangsiantar"), ("1202", "Tapanuli Utara")),
    "13": (("1371", "Padang"), ("1375", "Bukittinggi")),
    "14": (("1471", "Pekanbaru"),),
    "16": (("1671", "Palembang"),),
    "18": (("1871", "Bandar Lampung"),),
    "31": (("3174", "Jakarta Selatan"), ("3175", "Jakarta Timur")),
    "32": (("3273", "Bandung"), ("3271", "Bogor"), ("3275", "Bekasi"), ("3205", "Garut")),
    "33": (("3374", "Semarang"), ("3372", "Surakarta"), ("3302", "Banyumas"), ("3319", "Kudus")),
    "34": (("3471", "Yogyakarta"), ("3404", "Sleman"), ("3402", "Bantul")),
    "35": (("3578", "Surabaya"), ("3573", "Malang"), ("3571", "Kediri"), ("3509", "Jember")),
    "36": (("3671", "Tangerang"), ("3673", "Serang")),
    "51": (("5171", "Denpasar"), ("5104", "Gianyar"), ("5108", "Buleleng")),
    "52": (("5271", "Mataram"),),
    "53": (("5371", "Kupang"),),
    "61": (("6171", "Pontianak"),),
    "64": (("6472", "Samarinda"), ("6471", "Balikpapan")),
    "71": (("7171", "Manado"), ("7102", "Minahasa")),
    "73": (("7371", "Makassar"), ("7308", "Bone")),
    "81": (("8171", "Ambon"),),
    "94": (("9471", "Jayapura"),),
}
CAMPUS_CITIES = (
    ("Medan", "12"), ("Padang", "13"), ("Palembang", "16"), ("Bandung", "32"), ("Semarang", "33"),
    ("Yogyakarta", "34"), ("Surabaya", "35"), ("Malang", "35"), ("Denpasar", "51"), ("Makassar", "73"),
    ("Manado", "71"), ("Pontianak", "61"), ("Samarinda", "64"), ("Mataram", "52"), ("Kupang", "53"),
    ("Ambon", "81"), ("Jayapura", "94"), ("Pekanbaru", "14"), ("Banda Aceh", "11"), ("Serang", "36"),
)  # fmt: skip
# (name pattern, abbreviation prefix, public): public universities have codes 00xxxx, private ones
# start with their LLDIKTI region.
UNIVERSITY_KINDS = (
    ("Universitas {city}", "u", True), ("Universitas Negeri {city}", "un", True),
    ("Institut Teknologi {city}", "it", True), ("Universitas Islam {city}", "ui", False),
    ("Universitas Muhammadiyah {city}", "um", False), ("Universitas Kristen {city}", "uk", False),
    ("Universitas Teknologi {city}", "ut", False), ("Universitas Nusantara {city}", "unu", False),
)  # fmt: skip
# PDDIKTI prodi codes: the third digit is the level (1 S2, 2 S1, 4 D3).
PRODI: dict[str, tuple[tuple[str, str], ...]] = {
    "S1": (
        ("55201", "Informatika"), ("61201", "Manajemen"), ("20201", "Teknik Elektro"), ("62201", "Akuntansi"),
        ("74201", "Hukum"), ("21201", "Teknik Mesin"), ("22201", "Teknik Sipil"), ("70201", "Ilmu Komunikasi"),
        ("86206", "Pendidikan Guru Sekolah Dasar"), ("57201", "Sistem Informasi"), ("73201", "Psikologi"),
    ),
    "D3": (
        ("57401", "Manajemen Informatika"), ("62401", "Akuntansi"), ("56401", "Teknik Komputer"),
        ("20401", "Teknik Elektro"),
    ),
    "S2": (
        ("55101", "Informatika"), ("61101", "Manajemen"), ("62101", "Akuntansi"), ("74101", "Hukum"),
        ("20101", "Teknik Elektro"),
    ),
}  # fmt: skip
GIVEN = {
    "M": ("Budi", "Agus", "Andi", "Rizky", "Muhammad", "Ahmad", "Dimas", "Fajar", "Hendra", "Yoga", "Bayu",
          "Arif", "Eko", "Dedi", "Irfan", "Galih", "Reza", "Hafiz", "Fikri", "Aditya", "Bagus", "Wahyu", "Yusuf",
          "Ilham", "Rahmat", "Taufik", "Joko", "Gilang"),
    "F": ("Siti", "Dewi", "Putri", "Ayu", "Rina", "Nur", "Fitri", "Indah", "Sri", "Wulan", "Anisa", "Rizka",
          "Nabila", "Aulia", "Intan", "Mega", "Yuni", "Ratna", "Kartika", "Citra", "Dian", "Nurul", "Salsabila",
          "Amelia", "Zahra", "Aisyah", "Larasati"),
}  # fmt: skip
SECOND = {
    "M": ("Pratama", "Saputra", "Wijaya", "Setiawan", "Hidayat", "Nugroho", "Kurniawan", "Ramadhan",
          "Firmansyah", "Gunawan", "Santoso", "Wibowo", "Hermawan", "Syahputra", "Maulana", "Prasetyo"),
    "F": ("Lestari", "Rahmawati", "Wulandari", "Maharani", "Utami", "Anggraini", "Permatasari", "Safitri",
          "Handayani", "Kusumawati", "Puspitasari", "Oktaviani", "Nurhaliza", "Fitriani"),
}  # fmt: skip
# Family names where they are customary, by province.
FAMILY = {
    "12": ("Siregar", "Nasution", "Harahap", "Simanjuntak", "Sitompul", "Hutapea", "Lubis", "Sinaga", "Pardede"),
    "71": ("Lumentut", "Tumbelaka", "Wowor", "Rondonuwu", "Sondakh", "Mandagi", "Pangemanan"),
    "81": ("Pattinama", "Latuheru", "Matulessy", "Tuhumury", "Sahetapy"),
    "94": ("Wenda", "Kogoya", "Rumbiak", "Mandowen", "Wanggai"),
}
BALI_BIRTH_ORDER = ("Putu", "Made", "Nyoman", "Ketut", "Wayan", "Kadek", "Komang")
BALI_GIVEN = {"M": ("Agus", "Surya", "Adi", "Arya", "Dharma", "Wira"), "F": ("Ayu", "Dewi", "Sri", "Eka", "Sari")}


@dataclass(frozen=True)
class Country:
    city: tuple[str, ...]
    passport: str  # letters, then "#" per digit
    names: Callable[[random.Random, str], str]


def _malaysian(rng: random.Random, sex: str) -> str:
    given = rng.choice({"M": ("Muhammad Haziq", "Amirul Hakim", "Faris"), "F": ("Nurul Aina", "Nur Izzati")}[sex])
    return f"{given} {'bin' if sex == 'M' else 'binti'} {rng.choice(('Abdullah', 'Ismail', 'Rahman', 'Yusof'))}"


def _timorese(rng: random.Random, sex: str) -> str:
    given = rng.choice({"M": ("João", "Domingos", "Agostinho"), "F": ("Maria", "Ana", "Filomena")}[sex])
    return f"{given} {rng.choice(('da Costa', 'Soares', 'Ximenes', 'Guterres', 'Pereira'))}"


def _vietnamese(rng: random.Random, sex: str) -> str:
    given = rng.choice({"M": ("An", "Minh", "Hùng"), "F": ("Lan", "Hoa", "Mai")}[sex])
    return f"{rng.choice(('Nguyễn', 'Trần', 'Lê', 'Phạm'))} {'Văn' if sex == 'M' else 'Thị'} {given}"


def _thai(rng: random.Random, sex: str) -> str:
    given = rng.choice({"M": ("Somchai", "Anan", "Niran"), "F": ("Siriporn", "Kanya", "Ratana")}[sex])
    return f"{given} {rng.choice(('Srisai', 'Wongsuwan', 'Chaiyaporn'))}"


COUNTRIES = (
    Country(("Kuala Lumpur", "Johor Bahru", "Kota Kinabalu"), "A########", _malaysian),
    Country(("Dili", "Baucau"), "R#######", _timorese),
    Country(("Hanoi", "Ho Chi Minh City"), "C#######", _vietnamese),
    Country(("Bangkok", "Pattani"), "AA#######", _thai),
)


THESIS_SKS = 6  # skripsi, tugas akhir or tesis: the last semester carries at least this


@dataclass(frozen=True)
class LevelPlan:
    """How a level's students progress: sks to finish, semester loads, entry age and ability (IPS x100)."""

    target_sks: tuple[int, int]
    load: tuple[int, int]
    high_load: tuple[int, int] | None  # 21-24 sks, from semester 3 after an IPS above 3.00 (PIN-2)
    entry_age: tuple[int, int]
    ability: tuple[int, int]


PLANS = {
    "D3": LevelPlan((108, 112), (18, 20), (21, 22), (18, 20), (250, 380)),
    "S1": LevelPlan((144, 148), (18, 20), (21, 24), (18, 19), (240, 390)),
    "S2": LevelPlan((40, 44), (9, 12), None, (23, 32), (300, 395)),
}


@dataclass(frozen=True)
class CohortUniversity:
    code: str
    name: str
    abbreviation: str
    province: str


@dataclass(frozen=True)
class CohortProgramme:
    university: CohortUniversity
    prodi: str
    name: str
    level: str


@dataclass
class Traits:
    """What the cohort plants in some students, so that every feature shows up even in a small one."""

    foreign: set[int] = field(default_factory=set)
    leave: set[int] = field(default_factory=set)
    non_active: set[int] = field(default_factory=set)
    short_semester: set[int] = field(default_factory=set)
    missing: set[int] = field(default_factory=set)
    corrected: set[int] = field(default_factory=set)
    yudisium_pending: set[int] = field(default_factory=set)

    @classmethod
    def draw(cls, rng: random.Random, total: int) -> Traits:
        def some(percent: int, at_least: int = 1) -> set[int]:
            return set(rng.sample(range(total), min(total, max(at_least, total * percent // 100))))

        return cls(some(4), some(8), some(3), some(10), some(4), some(5), some(8, 0))


@dataclass
class CohortStudent:
    university: str
    nim: str
    entry: Period
    ability: int
    index: int  # in the whole cohort: what Traits refer to
    reports: list[dict[str, Any]] = field(default_factory=list)
    graduated_after: Period | None = None  # the period in which the last sks were passed


def hundredths(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


class Cohort:
    def __init__(self, seed: int, last_period: str) -> None:
        self.rng = random.Random(seed)
        self.last = Period.parse(last_period, field="last_period")
        self.niks: set[str] = set()
        self.codes: set[str] = set()

    # Registry --------------------------------------------------------------------------------

    def universities(self, count: int) -> list[CohortUniversity]:
        kinds = [(kind, city) for kind in UNIVERSITY_KINDS for city in CAMPUS_CITIES]
        if count > len(kinds):
            raise ValueError(f"at most {len(kinds)} universities")
        return [self._university(kind, city) for kind, city in self.rng.sample(kinds, count)]

    def _university(self, kind: tuple[str, str, bool], city: tuple[str, str]) -> CohortUniversity:
        pattern, prefix, public = kind
        region = "00" if public else f"{self.rng.randint(1, 16):02d}"
        code = self._unique(self.codes, lambda: f"{region}{self.rng.randint(1001, 9999)}")
        slug = re.sub(r"[^a-z]", "", city[0].lower())[:4]
        return CohortUniversity(code, pattern.format(city=city[0]), prefix + slug, city[1])

    def programmes(self, university: CohortUniversity, count: int) -> list[CohortProgramme]:
        # The first three are one of each level, so even a small cohort mixes D3, S1 and S2.
        pools = {level: list(self.rng.sample(PRODI[level], len(PRODI[level]))) for level in PRODI}
        order = ["S1", "D3", "S2"]
        rest = [level for level in PRODI for _ in PRODI[level]]
        self.rng.shuffle(rest)
        chosen: list[CohortProgramme] = []
        for level in order + rest:
            if len(chosen) == count:
                break
            if pools[level]:
                prodi, name = pools[level].pop()
                chosen.append(CohortProgramme(university, prodi, name, level))
        if len(chosen) < count:
            raise ValueError(f"at most {len(chosen)} programmes per university")
        return chosen

    def programme_lines(self, programme: CohortProgramme, accredited: bool) -> list[dict[str, Any]]:
        """The registration, and a renewal when the first accreditation has lapsed (BAN-PT, 5 years)."""
        line = {
            "kind": "programme",
            "university": programme.university.code,
            "prodi": programme.prodi,
            "name": programme.name,
            "level": programme.level,
            "orientation": "applied" if programme.level == "D3" else "academic",
            "accreditation": None,
        }
        if not accredited:
            return [line]
        start = date(self.rng.randint(2016, 2020), self.rng.randint(1, 12), self.rng.randint(1, 28))
        first = _accreditation(self.rng.choice(("A", "B")), start)
        lines = [{**line, "accreditation": first}]
        if date.fromisoformat(first["valid_until"]) < date(self.last.year + 1, 8, 1):
            renewed = date.fromisoformat(first["valid_until"]) + timedelta(days=1)
            grade = self.rng.choice(("UNGGUL", "BAIK SEKALI", "BAIK"))
            lines.append({**line, "accreditation": _accreditation(grade, renewed)})
        return lines

    # Students ------------------------------------------------------------------------------

    def student_line(self, programme: CohortProgramme, nim: str, entry: Period, foreign: bool) -> dict[str, Any]:
        sex = self.rng.choice("MF")
        low, high = PLANS[programme.level].entry_age
        born = date(entry.year - self.rng.randint(low, high), self.rng.randint(1, 12), self.rng.randint(1, 28))
        if foreign:
            country = self.rng.choice(COUNTRIES)
            name, place = country.names(self.rng, sex), self.rng.choice(country.city)
            nik, passport = None, "".join(str(self.rng.randint(0, 9)) if c == "#" else c for c in country.passport)
        else:
            province = programme.university.province if self.rng.random() < 0.7 else self.rng.choice(list(REGIONS))
            regency, place = self.rng.choice(REGIONS[province])
            name, nik, passport = self._indonesian_name(province, sex), self._nik(regency, born, sex), None
        email = f"{_slug(name)}.{nim}@student.{programme.university.abbreviation}.ac.id"
        return {
            "kind": "student",
            "university": programme.university.code,
            "nim": nim,
            "prodi": programme.prodi,
            "entry_period": entry.code,
            "full_name": name,
            "nik": nik,
            "passport_number": passport,
            "birth_place": place,
            "birth_date": born.isoformat(),
            "email": email if self.rng.random() < 0.8 else None,
        }

    def _indonesian_name(self, province: str, sex: str) -> str:
        rng = self.rng
        if province == "51":
            title = "I" if sex == "M" else "Ni"
            return f"{title} {rng.choice(BALI_BIRTH_ORDER)} {rng.choice(BALI_GIVEN[sex])} {rng.choice(SECOND[sex])}"
        given = rng.choice(GIVEN[sex])
        if province in FAMILY:
            return f"{given} {rng.choice(SECOND[sex])} {rng.choice(FAMILY[province])}"
        parts = [given, *rng.sample(SECOND[sex], rng.choice((0, 1, 1, 2)))]
        return " ".join(parts) if len(parts) > 1 else f"{given} {rng.choice(SECOND[sex])}"

    def _nik(self, regency: str, born: date, sex: str) -> str:
        """Regency (4), district (2), birth date DDMMYY with 40 added to the day for women, serial (4)."""
        day = born.day + (40 if sex == "F" else 0)
        prefix = f"{regency}{self.rng.randint(1, 20):02d}{day:02d}{born.month:02d}{born.year % 100:02d}"
        return self._unique(self.niks, lambda: f"{prefix}{self.rng.randint(1, 2999):04d}")

    def _unique(self, used: set[str], make: Callable[[], str]) -> str:
        value = make()
        while value in used:
            value = make()
        used.add(value)
        return value

    # Semesters -----------------------------------------------------------------------------

    def study(self, student: CohortStudent, level: str, traits: Traits) -> None:
        """Regular semesters from entry until the sks are done or the last period, as PDDIKTI sees them."""
        plan = PLANS[level]
        target = self.rng.randint(*plan.target_sks)
        index = student.index
        pause = self.rng.randint(3, 5) if index in traits.leave or index in traits.non_active else None
        state = _Progress()
        for n, period in enumerate(student.entry.regular_until(self.last)):
            if n + 1 == pause:
                status = "C" if index in traits.leave else "N"
                student.reports.append(state.report(student, period, status, 0, 0))
                continue
            self._semester(student, period, self._load(plan, n + 1, state.previous_ips, target - state.passed), state)
            if state.passed >= target:
                student.graduated_after = period
                return
            short = index in traits.short_semester and period.term == 2 and period < self.last
            if short and target - state.passed > 9:
                self._semester(student, Period(period.year, 3), self.rng.randint(3, 6), state)

    def _load(self, plan: LevelPlan, number: int, previous_ips: int, remaining: int) -> int:
        """The sks taken: a normal or high load, and never a final semester of less than the thesis."""
        if plan.high_load and number >= 3 and previous_ips > 300 and self.rng.random() < 0.5:
            load = self.rng.randint(*plan.high_load)
        else:
            load = self.rng.randint(*plan.load)
        if 0 < remaining - load < THESIS_SKS:
            return remaining - THESIS_SKS
        return min(load, remaining)

    def _semester(self, student: CohortStudent, period: Period, sks: int, state: _Progress) -> None:
        ips = max(100, min(400, student.ability + self.rng.randint(-35, 35)))
        failed = self.rng.choice((2, 3)) if ips < 260 and sks > 6 and self.rng.random() < 0.6 else 0
        student.reports.append(state.report(student, period, "A", sks, ips, passed=sks - failed))

    def corrupt(self, report: dict[str, Any]) -> dict[str, Any]:
        """A plausible typo: the IPK a few hundredths off, or one course's sks missing from sks passed."""
        if self.rng.random() < 0.5:
            ipk = int(report["ipk"].replace(".", ""))
            wrong = ipk + self.rng.choice((-9, -5, -1, 1, 5, 9))
            return {**report, "ipk": hundredths(max(0, min(400, wrong)))}
        return {**report, "sks_passed": max(0, report["sks_passed"] - self.rng.choice((2, 3)))}


@dataclass
class _Progress:
    passed: int = 0
    weighted: int = 0  # sum of IPS x sks taken, IPS in hundredths
    taken: int = 0
    previous_ips: int = 0

    def report(
        self, student: CohortStudent, period: Period, status: str, sks: int, ips: int, passed: int = 0
    ) -> dict[str, Any]:
        self.passed += passed
        self.weighted += ips * sks
        self.taken += sks
        if not period.is_short:
            self.previous_ips = ips
        ipk = (2 * self.weighted + self.taken) // (2 * self.taken) if self.taken else 0
        return {
            "kind": "semester",
            "university": student.university,
            "nim": student.nim,
            "period": period.code,
            "status": status,
            "sks_taken": sks,
            "ips": hundredths(ips),
            "ipk": hundredths(ipk),
            "sks_passed": self.passed,
        }


def _accreditation(grade: str, start: date) -> dict[str, str]:
    until = date(start.year + 5, start.month, start.day) - timedelta(days=1)
    return {"grade": grade, "valid_from": start.isoformat(), "valid_until": until.isoformat()}


def _slug(name: str) -> str:
    """The first word of a name that is more than a title (I, Ni), in ASCII, for an e-mail address."""
    words = [re.sub(r"[^a-z]", "", w) for w in name.encode("ascii", "ignore").decode().lower().split()]
    return next((w for w in words if len(w) > 2), "mhs")


def _yudisium_date(rng: random.Random, period: Period) -> date:
    """Odd semesters end in January, even ones in July; the yudisium follows within weeks."""
    if period.term == 1:
        return date(period.year + 1, 2, rng.randint(3, 25))
    return date(period.year + 1, 7, rng.randint(8, 28))


def cohort(
    *,
    universities: int = 2,
    programmes_per_university: int = 3,
    students_per_programme: int = 30,
    seed: int = 2024,
    last_period: str = "20232",
) -> Iterator[Line]:
    """The cohort's lines: per university its registry, students, semesters and yudisium; corrections last."""
    c = Cohort(seed, last_period)
    traits = Traits.draw(c.rng, universities * programmes_per_university * students_per_programme)
    yield (
        f"# kredensial synthetic PDDIKTI cohort (invented people): seed={seed} universities={universities}"
        f" programmes_per_university={programmes_per_university} students_per_programme={students_per_programme}"
    )
    corrections: list[dict[str, Any]] = []
    indices = iter(range(universities * programmes_per_university * students_per_programme))
    for university in c.universities(universities):
        programmes = c.programmes(university, programmes_per_university)
        yield f"# {university.code} {university.name}"
        yield {"kind": "university", "code": university.code, "name": university.name}
        for i, programme in enumerate(programmes):
            yield from c.programme_lines(programme, accredited=i == 0 or c.rng.random() > 0.1)
        students = [
            _student(c, programme, s, next(indices), traits, corrections)
            for programme in programmes
            for s in range(1, students_per_programme + 1)
        ]
        yield from (line for _, _, line in students)
        yield from sorted((r for _, s, _ in students for r in s.reports), key=lambda r: (r["period"], r["nim"]))
        yield from _graduations(c, university, students, traits)
    if corrections:
        yield "# koreksi: reports corrected after they were first sent; the later line supersedes (PIN-0)"
        yield from corrections


Enrolled = tuple[CohortProgramme, CohortStudent, dict[str, Any]]


def _student(
    c: Cohort, programme: CohortProgramme, number: int, index: int, traits: Traits, corrections: list[dict[str, Any]]
) -> Enrolled:
    entry = Period(c.rng.choice((2019, 2020, 2021)), 2 if c.rng.random() < 0.1 else 1)
    nim = f"{entry.year % 100:02d}{programme.prodi}{number:03d}"
    line = c.student_line(programme, nim, entry, foreign=index in traits.foreign)
    student = CohortStudent(
        programme.university.code, nim, entry, c.rng.randint(*PLANS[programme.level].ability), index
    )
    c.study(student, programme.level, traits)
    _plant(c, student, traits, corrections)
    return programme, student, line


def _plant(c: Cohort, student: CohortStudent, traits: Traits, corrections: list[dict[str, Any]]) -> None:
    """A semester never reported (a gap, PIN-2), and a report sent wrong then corrected at the end."""
    regular = [r for r in student.reports if not r["period"].endswith("3")]
    if student.index in traits.missing and len(regular) >= 3:
        student.reports.remove(c.rng.choice(regular[1:-1]))
    if student.index in traits.corrected and student.reports:
        at = c.rng.randrange(len(student.reports))
        right = student.reports[at]
        student.reports[at] = c.corrupt(right)
        corrections.append(right)


def _graduations(
    c: Cohort,
    university: CohortUniversity,
    students: list[Enrolled],
    traits: Traits,
) -> Iterator[dict[str, Any]]:
    """One yudisium decree per programme and semester, shared by the students it declares graduated."""
    decrees: dict[tuple[str, Period], tuple[str, date]] = {}
    lines = []
    for programme, student, _ in students:
        if student.graduated_after is None or student.index in traits.yudisium_pending:
            continue
        key = (programme.prodi, student.graduated_after)
        if key not in decrees:
            day = _yudisium_date(c.rng, student.graduated_after)
            number = f"{c.rng.randint(100, 999)}/{university.abbreviation.upper()}/YUD/{programme.prodi}/{day.year}"
            decrees[key] = (number, day)
        number, day = decrees[key]
        lines.append(
            {
                "kind": "graduation",
                "university": university.code,
                "nim": student.nim,
                "yudisium_number": number,
                "yudisium_date": day.isoformat(),
            }
        )
    yield from sorted(lines, key=lambda g: (g["yudisium_date"], g["nim"]))


def write_cohort(
    path: Path | str,
    *,
    universities: int = 2,
    programmes_per_university: int = 3,
    students_per_programme: int = 30,
    seed: int = 2024,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Writes the cohort as UTF-8 JSON Lines; returns the number of lines written (comments included)."""
    written = 0
    lines = cohort(
        universities=universities,
        programmes_per_university=programmes_per_university,
        students_per_programme=students_per_programme,
        seed=seed,
    )
    with Path(path).open("w", encoding="utf-8", newline="\n") as out:
        for line in lines:
            out.write(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
            written += 1
            if progress is not None:
                progress(written)
    return written
