"""The equivalency context's read models (EQV): applications with their checklist and what is missing, the
team's work queue (the clock's start and pauses), escalations, reviews, and each decision's basis.

A decision's basis is copied when its event is projected: events are applied in order, so the documents and
escalations rows at that moment are exactly what the decision saw (EQV-8); later uploads change the application's
rows, never a basis. The application's ``decision_basis`` rebuilds the same from the log, and a test compares them.
"""

from __future__ import annotations

from datetime import date

from domain.equivalency.application import EquivalencyApplication
from domain.equivalency.checklist import SUPPORTING, Item
from domain.equivalency.kinds import Escalation, Status
from domain.equivalency.sk import AfterDecision
from domain.personal import Unsealer
from projections.personal import ERASED, full_name
from projections.projection import Projection, handles
from projections.store import Transaction

_APP = "eqv_applications"


class EquivalencyProjection(Projection):
    name = "equivalencies"
    applications = ("equivalencies",)
    tables = (
        "eqv_applications",
        "eqv_checklist",
        "eqv_documents",
        "eqv_pauses",
        "eqv_escalations",
        "eqv_reviews",
        "eqv_replacements",
        "eqv_basis_documents",
        "eqv_basis_escalations",
        "eqv_decisions",
    )
    ddl = (
        "CREATE TABLE IF NOT EXISTS eqv_applications (registration_number TEXT PRIMARY KEY,"
        " application_id TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL,"
        " applicant_name TEXT NOT NULL, access_code_hash TEXT NOT NULL, country TEXT NOT NULL, level TEXT NOT NULL,"
        " university TEXT NOT NULL, programme TEXT NOT NULL, honours INTEGER NOT NULL, status TEXT NOT NULL,"
        " registered_on TEXT NOT NULL, complete_on TEXT, deferral TEXT, deferral_answer TEXT, sk_number TEXT,"
        " equal_level TEXT, rule_version TEXT, decided_on TEXT, collected_on TEXT, collected_unclaimed INTEGER,"
        " decisions INTEGER NOT NULL DEFAULT 0)",
        "CREATE INDEX IF NOT EXISTS eqv_applications_queue ON eqv_applications (status, complete_on)",
        "CREATE INDEX IF NOT EXISTS eqv_applications_account ON eqv_applications (account_id)",
        "CREATE TABLE IF NOT EXISTS eqv_checklist (registration_number TEXT NOT NULL, item_code TEXT NOT NULL,"
        " position INTEGER NOT NULL, rule_id TEXT NOT NULL, indonesian TEXT NOT NULL, english TEXT NOT NULL,"
        " link_allowed INTEGER NOT NULL, asked INTEGER NOT NULL, uploaded INTEGER NOT NULL,"
        " PRIMARY KEY (registration_number, item_code))",
        "CREATE TABLE IF NOT EXISTS eqv_documents (registration_number TEXT NOT NULL, item_code TEXT NOT NULL,"
        " sha256 TEXT, size BIGINT, media_type TEXT, url TEXT, uploaded_on TEXT NOT NULL,"
        " PRIMARY KEY (registration_number, item_code))",
        "CREATE TABLE IF NOT EXISTS eqv_pauses (registration_number TEXT NOT NULL, started TEXT NOT NULL,"
        " ended TEXT, PRIMARY KEY (registration_number, started))",
        "CREATE TABLE IF NOT EXISTS eqv_escalations (registration_number TEXT NOT NULL, number INTEGER NOT NULL,"
        " kind TEXT NOT NULL, request TEXT NOT NULL, items TEXT NOT NULL, asked_on TEXT NOT NULL, asked_by TEXT"
        " NOT NULL, outcome TEXT, answered_by TEXT, answered_on TEXT, PRIMARY KEY (registration_number, number))",
        "CREATE TABLE IF NOT EXISTS eqv_reviews (registration_number TEXT NOT NULL, number INTEGER NOT NULL,"
        " letter_reference TEXT NOT NULL, reasons TEXT NOT NULL, documents TEXT NOT NULL, requested_on TEXT NOT NULL,"
        " upheld INTEGER, deciders TEXT, remark TEXT, decided_on TEXT, PRIMARY KEY (registration_number, number))",
        "CREATE TABLE IF NOT EXISTS eqv_replacements (registration_number TEXT NOT NULL, letter_number TEXT NOT NULL,"
        " refers_to TEXT NOT NULL, reason TEXT NOT NULL, issued_on TEXT NOT NULL,"
        " PRIMARY KEY (registration_number, letter_number))",
        "CREATE TABLE IF NOT EXISTS eqv_decisions (registration_number TEXT NOT NULL, decision INTEGER NOT NULL,"
        " outcome TEXT NOT NULL, sk_number TEXT, equal_level TEXT, rule_version TEXT, rule_read TEXT, reasons TEXT,"
        " deciders TEXT"
        " NOT NULL, decided_on TEXT NOT NULL, recorded_by TEXT NOT NULL, rule_ids TEXT NOT NULL, version INTEGER"
        " NOT NULL, PRIMARY KEY (registration_number, decision))",
        "CREATE TABLE IF NOT EXISTS eqv_basis_documents (registration_number TEXT NOT NULL, decision INTEGER NOT NULL,"
        " item_code TEXT NOT NULL, sha256 TEXT, size BIGINT, media_type TEXT, url TEXT, uploaded_on TEXT NOT NULL,"
        " PRIMARY KEY (registration_number, decision, item_code))",
        "CREATE TABLE IF NOT EXISTS eqv_basis_escalations (registration_number TEXT NOT NULL, decision INTEGER"
        " NOT NULL, number INTEGER NOT NULL, kind TEXT NOT NULL, request TEXT NOT NULL, outcome TEXT, answered_by"
        " TEXT, PRIMARY KEY (registration_number, decision, number))",
    )

    def __init__(self, unsealer: Unsealer) -> None:
        self.unsealer = unsealer

    @handles
    def on_applicant_data_erased(self, e: EquivalencyApplication.ApplicantDataErased, tx: Transaction) -> None:
        tx.execute(
            f"UPDATE {_APP} SET applicant_name = :erased WHERE registration_number = :n",
            {"n": e.registration_number, "erased": ERASED},
        )

    @handles
    def on_registered(self, e: EquivalencyApplication.Registered, tx: Transaction) -> None:
        s = e.study
        tx.execute(
            f"INSERT INTO {_APP} (registration_number, application_id, account_id, applicant_name, access_code_hash,"
            " country, level, university, programme, honours, status, registered_on) VALUES (:n, :id, :account, :name,"
            " :code, :country, :level, :university, :programme, :honours, :status, :on)",
            {
                "n": e.registration_number,
                "id": str(e.originator_id),
                "account": e.account_id,
                "name": full_name(self.unsealer, e.applicant),
                "code": e.access_code_hash,
                "country": s.country,
                "level": s.level.value,
                "university": e.university,
                "programme": e.programme,
                "honours": int("HONOURS" in e.features),
                "status": Status.INCOMPLETE.value,
                "on": e.registered_on.isoformat(),
            },
        )
        for position, item in enumerate(e.checklist, start=1):
            _checklist_row(tx, e.registration_number, item, position, asked=False)

    @handles
    def on_document(self, e: EquivalencyApplication.DocumentAdded, tx: Transaction) -> None:
        n, d = _number(tx, e.originator_id), e.document
        tx.execute(
            "INSERT INTO eqv_documents (registration_number, item_code, sha256, size, media_type, url, uploaded_on)"
            " VALUES (:n, :code, :sha, :size, :type, :url, :on) ON CONFLICT (registration_number, item_code)"
            " DO UPDATE SET sha256 = :sha, size = :size, media_type = :type, url = :url, uploaded_on = :on",
            {
                "n": n,
                "code": d.item_code,
                "sha": d.file.sha256 if d.file else None,
                "size": d.file.size if d.file else None,
                "type": d.file.media_type if d.file else None,
                "url": d.url,
                "on": e.on.isoformat(),
            },
        )
        tx.execute(
            "UPDATE eqv_checklist SET uploaded = 1 WHERE registration_number = :n AND item_code = :code",
            {"n": n, "code": d.item_code},
        )
        if e.completes_file:
            _status(tx, n, Status.IN_REVIEW, complete_on=e.on)
        if e.resumes:
            self._resume(tx, n, e.on)

    @handles
    def on_escalated(self, e: EquivalencyApplication.Escalated, tx: Transaction) -> None:
        n, a = _number(tx, e.originator_id), e.asked
        tx.execute(
            "INSERT INTO eqv_escalations (registration_number, number, kind, request, items, asked_on, asked_by)"
            " VALUES (:n, :number, :kind, :request, :items, :on, :by)",
            {
                "n": n,
                "number": a.number,
                "kind": a.kind.value,
                "request": a.request,
                "items": ", ".join(a.items),
                "on": e.on.isoformat(),
                "by": e.cause.actor.id,
            },
        )
        if a.kind is Escalation.MORE_DOCUMENTS:
            for code in a.items:
                known = tx.query(
                    "SELECT 1 FROM eqv_checklist WHERE registration_number = :n AND item_code = :code",
                    {"n": n, "code": code},
                )
                if known:
                    tx.execute(
                        "UPDATE eqv_checklist SET uploaded = 0, asked = 1 WHERE registration_number = :n"
                        " AND item_code = :code",
                        {"n": n, "code": code},
                    )
                elif code in SUPPORTING:
                    _checklist_row(tx, n, SUPPORTING[code], 100 + a.number, asked=True)
                tx.execute(
                    "DELETE FROM eqv_documents WHERE registration_number = :n AND item_code = :code",
                    {"n": n, "code": code},
                )
            self._pause(tx, n, e.on)

    @handles
    def on_escalation_answered(self, e: EquivalencyApplication.EscalationAnswered, tx: Transaction) -> None:
        tx.execute(
            "UPDATE eqv_escalations SET outcome = :outcome, answered_by = :by, answered_on = :on"
            " WHERE registration_number = :n AND number = :number",
            {
                "n": _number(tx, e.originator_id),
                "number": e.number,
                "outcome": e.outcome,
                "by": e.cause.actor.id,
                "on": e.on.isoformat(),
            },
        )

    @handles
    def on_features(self, e: EquivalencyApplication.FeaturesCorrected, tx: Transaction) -> None:
        tx.execute(
            f"UPDATE {_APP} SET honours = :honours WHERE registration_number = :n",
            {"n": _number(tx, e.originator_id), "honours": int("HONOURS" in e.features)},
        )

    @handles
    def on_deferred(self, e: EquivalencyApplication.Deferred, tx: Transaction) -> None:
        n = _number(tx, e.originator_id)
        tx.execute(
            f"UPDATE {_APP} SET deferral = :d WHERE registration_number = :n", {"n": n, "d": "\n".join(e.reasons)}
        )
        self._pause(tx, n, e.on)

    @handles
    def on_deferral_answered(self, e: EquivalencyApplication.DeferralAnswered, tx: Transaction) -> None:
        n = _number(tx, e.originator_id)
        tx.execute(
            f"UPDATE {_APP} SET deferral = NULL, deferral_answer = :a WHERE registration_number = :n",
            {"n": n, "a": e.answer},
        )
        missing = tx.query("SELECT 1 FROM eqv_checklist WHERE registration_number = :n AND uploaded = 0", {"n": n})
        if not missing:
            self._resume(tx, n, e.on)

    @handles
    def on_equalised(self, e: EquivalencyApplication.Equalised, tx: Transaction) -> None:
        n = _number(tx, e.originator_id)
        decision = self._decided(
            tx, n, e.on, "EQUIVALENT", e.deciders, e.cause.actor.id, e.rule_ids, e.originator_version
        )
        tx.execute(
            f"UPDATE {_APP} SET sk_number = :sk, equal_level = :level, rule_version = :rule WHERE registration_number"
            " = :n",
            {"n": n, "sk": e.sk_number, "level": e.level, "rule": e.rule_version},
        )
        tx.execute(
            "UPDATE eqv_decisions SET sk_number = :sk, equal_level = :level, rule_version = :rule, rule_read = :read"
            " WHERE registration_number = :n AND decision = :d",
            {
                "n": n,
                "d": decision,
                "sk": e.sk_number,
                "level": e.level,
                "rule": e.rule_version,
                "read": "\n".join((e.country, e.foreign_level, *e.features)),
            },
        )

    @handles
    def on_refused(self, e: EquivalencyApplication.Refused, tx: Transaction) -> None:
        n = _number(tx, e.originator_id)
        decision = self._decided(tx, n, e.on, "REFUSED", e.deciders, e.cause.actor.id, e.rule_ids, e.originator_version)
        tx.execute(
            "UPDATE eqv_decisions SET reasons = :reasons WHERE registration_number = :n AND decision = :d",
            {"n": n, "d": decision, "reasons": "\n".join(e.reasons)},
        )

    def _decided(
        self,
        tx: Transaction,
        n: str,
        on: date,
        outcome: str,
        deciders: tuple[str, ...],
        recorded_by: str,
        rule_ids: tuple[str, ...],
        version: int,
    ) -> int:
        """The decision's row and its basis: the documents and escalations as they are at this event."""
        [row] = tx.query(f"SELECT decisions FROM {_APP} WHERE registration_number = :n", {"n": n})
        decision = int(row["decisions"]) + 1
        status = Status.EQUIVALENT if outcome == "EQUIVALENT" else Status.REFUSED
        tx.execute(
            f"UPDATE {_APP} SET status = :s, decided_on = :on, decisions = :d WHERE registration_number = :n",
            {"n": n, "s": status.value, "on": on.isoformat(), "d": decision},
        )
        tx.execute(
            "INSERT INTO eqv_decisions (registration_number, decision, outcome, deciders, decided_on, recorded_by,"
            " rule_ids, version) VALUES (:n, :d, :outcome, :deciders, :on, :by, :rules, :version)",
            {
                "n": n,
                "d": decision,
                "outcome": outcome,
                "deciders": "\n".join(deciders),  # one per line: a name may hold a comma
                "on": on.isoformat(),
                "by": recorded_by,
                "rules": ", ".join(rule_ids),
                "version": version,
            },
        )
        tx.execute(
            "INSERT INTO eqv_basis_documents (registration_number, decision, item_code, sha256, size, media_type, url,"
            " uploaded_on) SELECT registration_number, :d, item_code, sha256, size, media_type, url, uploaded_on"
            " FROM eqv_documents WHERE registration_number = :n",
            {"n": n, "d": decision},
        )
        tx.execute(
            "INSERT INTO eqv_basis_escalations (registration_number, decision, number, kind, request, outcome,"
            " answered_by) SELECT registration_number, :d, number, kind, request, outcome, answered_by"
            " FROM eqv_escalations WHERE registration_number = :n",
            {"n": n, "d": decision},
        )
        return decision

    # After the decision ---------------------------------------------------------------------------------------

    @handles
    def on_collected(self, e: AfterDecision.Collected, tx: Transaction) -> None:
        tx.execute(
            f"UPDATE {_APP} SET collected_on = :on, collected_unclaimed = :late WHERE registration_number = :n",
            {"n": _number(tx, e.originator_id), "on": e.on.isoformat(), "late": int(e.unclaimed)},
        )

    @handles
    def on_replacement(self, e: AfterDecision.ReplacementIssued, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO eqv_replacements (registration_number, letter_number, refers_to, reason, issued_on)"
            " VALUES (:n, :letter, :sk, :reason, :on) ON CONFLICT (registration_number, letter_number) DO NOTHING",
            {
                "n": _number(tx, e.originator_id),
                "letter": e.letter_number,
                "sk": e.refers_to,
                "reason": e.reason,
                "on": e.on.isoformat(),
            },
        )

    @handles
    def on_review_requested(self, e: AfterDecision.ReviewRequested, tx: Transaction) -> None:
        r = e.review
        tx.execute(
            "INSERT INTO eqv_reviews (registration_number, number, letter_reference, reasons, documents, requested_on)"
            " VALUES (:n, :number, :letter, :reasons, :documents, :on)",
            {
                "n": _number(tx, e.originator_id),
                "number": r.number,
                "letter": r.letter_reference,
                "reasons": r.reasons,
                "documents": ", ".join(r.documents),
                "on": r.on.isoformat(),
            },
        )

    @handles
    def on_review_decided(self, e: AfterDecision.ReviewDecided, tx: Transaction) -> None:
        n = _number(tx, e.originator_id)
        tx.execute(
            "UPDATE eqv_reviews SET upheld = :upheld, deciders = :deciders, remark = :remark, decided_on = :on"
            " WHERE registration_number = :n AND number = :number",
            {
                "n": n,
                "number": e.number,
                "upheld": int(e.upheld),
                "deciders": "\n".join(e.deciders),
                "remark": e.remark,
                "on": e.on.isoformat(),
            },
        )
        if e.upheld:  # the decision is taken again: back in review, the clock from today, a new SK to collect
            tx.execute(
                f"UPDATE {_APP} SET status = :s, sk_number = NULL, equal_level = NULL, rule_version = NULL,"
                " decided_on = NULL, complete_on = :on, collected_on = NULL, collected_unclaimed = NULL"
                " WHERE registration_number = :n",
                {"n": n, "s": Status.IN_REVIEW.value, "on": e.on.isoformat()},
            )
            tx.execute("DELETE FROM eqv_pauses WHERE registration_number = :n", {"n": n})

    def _pause(self, tx: Transaction, n: str, on: date) -> None:
        _status(tx, n, Status.WAITING_FOR_APPLICANT)
        tx.execute(
            "INSERT INTO eqv_pauses (registration_number, started) VALUES (:n, :on)"
            " ON CONFLICT (registration_number, started) DO UPDATE SET ended = NULL",
            {"n": n, "on": on.isoformat()},
        )

    def _resume(self, tx: Transaction, n: str, on: date) -> None:
        _status(tx, n, Status.IN_REVIEW)
        tx.execute(
            "UPDATE eqv_pauses SET ended = :on WHERE registration_number = :n AND ended IS NULL",
            {"n": n, "on": on.isoformat()},
        )


def _checklist_row(tx: Transaction, n: str, item: Item, position: int, *, asked: bool) -> None:
    tx.execute(
        "INSERT INTO eqv_checklist (registration_number, item_code, position, rule_id, indonesian, english,"
        " link_allowed, asked, uploaded) VALUES (:n, :code, :position, :rule, :id, :en, :link, :asked, 0)"
        " ON CONFLICT (registration_number, item_code) DO UPDATE SET asked = :asked, uploaded = 0",
        {
            "n": n,
            "code": item.code,
            "position": position,
            "rule": item.rule_id,
            "id": item.indonesian,
            "en": item.english,
            "link": int(item.link_allowed),
            "asked": int(asked),
        },
    )


def _status(tx: Transaction, n: str, status: Status, complete_on: date | None = None) -> None:
    tx.execute(
        f"UPDATE {_APP} SET status = :s, complete_on = COALESCE(:complete, complete_on) WHERE registration_number = :n",
        {"n": n, "s": status.value, "complete": complete_on.isoformat() if complete_on else None},
    )


def _number(tx: Transaction, application_id: object) -> str:
    """Events after the first carry no number: the application's row is found by its id."""
    [row] = tx.query(f"SELECT registration_number FROM {_APP} WHERE application_id = :id", {"id": str(application_id)})
    return str(row["registration_number"])
