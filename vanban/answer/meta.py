"""Questions about a document itself: who signed it, when it was issued, which body issued it.

Answered from the header and the closing block parsed at ingest (``DocFacts``, one per
visible document), never from a clause: "Ai ký Nghị quyết 105/NQ-CP?" is about the
signature block, which holds no task.

The document is the one the question cites by type and number when one is loaded;
otherwise the document among the retrieved clauses' documents whose name and title
share most words with the question (ties: the better-ranked clause).

>>> asked_field("Ai ký Quyết định 2536/QĐ-UBND?")
'signer'
>>> asked_field("NQ 97/NQ-CP ký ngày nào?")
'date'
>>> asked_field("Cơ quan nào ban hành NQ 116 về phòng chống thiên tai?")
'issuer'
>>> asked_field("Ai chủ trì đăng ký doanh nghiệp?") is None
True
>>> asked_field("Hạn các sở, ngành ban hành KH tuyên truyền năm 2026?") is None
True
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from index.search import Hit
from vanban.answer.question import DOC_REF, DOC_TYPES, Question, fold, referenced_documents, terms
from vanban.answer.types import Answer, Citation

__all__ = ["DocFacts", "MetaField", "asked_field", "designated_types", "doc_type", "meta_answer",
           "named_types", "pick_document"]

MetaField = Literal["signer", "date", "issuer"]

_SIGN = r"(?<!đăng )(?<!\w)ký(?! kết| quỹ| hợp đồng| cam kết)(?!\w)"
_SIGNER = re.compile(rf"(?<!\w)(?:ai|người nào|người|ông nào|bà nào|lãnh đạo nào)\s+(?:đã\s+)?{_SIGN}"
                     rf"|do\s+ai\s+{_SIGN}|{_SIGN}\s+bởi\s+ai|người\s+{_SIGN}|ai\s+là\s+người\s+{_SIGN}")
_DATE = re.compile(rf"(?:ban hành|{_SIGN}|phát hành|ra đời)\s+(?:vào\s+)?(?:ngày|hôm|lúc|khi|thời điểm)"
                   rf"\s+nào|ngày\s+(?:ban hành|{_SIGN}|phát hành)|(?:ban hành|{_SIGN})\s+khi nào"
                   r"|ngày tháng năm nào|(?:ban hành|ký)\s+(?:từ\s+)?bao giờ")
# "ngành" of "các sở, ngành ban hành KH" is a subject, not the question word: "nào" is needed
_ISSUER = re.compile(r"(?:(?:cơ quan|đơn vị|cấp|bộ|ngành)\s+nào|(?<!\w)ai)\s+(?:đã\s+)?ban hành"
                     r"|do\s+(?:cơ quan|đơn vị|ai)\s+(?:nào\s+)?ban hành|cơ quan ban hành")
# the issuer question must name a document, or "Cơ quan nào ban hành quy chế …" asks for a
# task's owner; a type word (or "văn bản") right after "ban hành", or a cited number, names one
_NAMES_DOC = re.compile(r"ban hành\s+(?:văn bản|vb|chỉ thị|ct|kế hoạch|kh|công văn|cv|thông báo|tb|"
                        r"quyết định|qđ|nghị quyết|nq|thông tư|tt|nghị định|nđ|công điện|cđ)(?!\w)"
                        r"|(?:văn bản|chỉ thị|kế hoạch|công văn|thông báo|quyết định|nghị quyết|"
                        r"thông tư|nghị định|công điện)\s+(?:này|trên)")


def asked_field(question: str) -> MetaField | None:
    """Which header field the question asks for, if it asks about the document itself."""
    q = fold(question)
    if _DATE.search(q):
        return "date"
    if _SIGNER.search(q):
        return "signer"
    if _ISSUER.search(q) and (_NAMES_DOC.search(q) or Question.parse(question).cited):
        return "issuer"
    return None


@dataclass(frozen=True)
class DocFacts:
    """What a document says about itself: from its header and its signature block."""

    file: str
    document: str  # "Nghị quyết 105/NQ-CP"
    title: str = ""
    date: dt.date | None = None
    issuer: str = ""
    signer: str = ""
    position: str = ""

    def summary(self) -> str:
        """The header and signature facts in one line (the citation's text)."""
        parts = [f"Cơ quan ban hành: {self.issuer}" if self.issuer else "",
                 f"Ngày ban hành: {self.date:%d/%m/%Y}" if self.date else "",
                 f"Người ký: {' '.join(p for p in (self.position, self.signer) if p)}"
                 if self.signer else "",
                 f"Trích yếu: {self.title}" if self.title else ""]
        return " · ".join(p for p in parts if p)


_QUESTION_WORDS = frozenset(("ký", "ban", "hành", "ban hành", "người", "ai", "ngày", "nào"))


# "CV giao Sở Nội vụ góp ý theo CV 8151": the second number describes the document asked
# about, it is not that document
_DESCRIBING = re.compile(r"(?:theo|thực hiện|triển khai|căn cứ|về)\s*$")


def subject_refs(text: str) -> list[str]:
    """The document references (``NQ 105``) a question is about, not those describing it.

    >>> subject_refs("Ai ký CV giao Sở NV góp ý theo CV 8151?")
    []
    >>> subject_refs("Ai ký NQ 122 về phiên họp thường kỳ?")
    ['NQ 122']
    """
    q = fold(text)
    return [text[m.start():m.end()] for m in DOC_REF.finditer(text)
            if not _DESCRIBING.search(q[:m.start()])]


_TYPE_WORD = re.compile(r"(?<!\w)(" + "|".join(sorted({*DOC_TYPES, *(fold(v) for v in DOC_TYPES.values())},
                                                       key=len, reverse=True)) + r")(?!\w)")


def named_types(text: str) -> frozenset[str]:
    """The document types a question names, spelled out: ``QĐ … do ai ký`` → ``quyết định``.

    >>> sorted(named_types("Kế hoạch kiểm tra do ai ký, theo QĐ nào?"))
    ['kế hoạch', 'quyết định']
    """
    return frozenset(fold(DOC_TYPES.get(w, w)) for w in _TYPE_WORD.findall(fold(text)))


# a type word that designates the document a question is about, not the object of its task
# ("trong CV về …", "Theo TB kết luận …", but not "xây dựng nghị định …", "trình NĐ …")
_DESIGNATING = r"(?:^|(?<!\w)(?:trong|theo|tại|của|ở|triển khai|thực hiện)\s+)"
_DESIGNATED = re.compile(_DESIGNATING + _TYPE_WORD.pattern)
_GENERIC_TYPES = frozenset({"văn bản", "tài liệu"})  # what a reader calls a document of unknown type


def designated_types(text: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The document types a question says it is about: ``trong CV về …`` → ``công văn``.

    >>> sorted(designated_types("Theo TB kết luận hội nghị, Sở Y tế có nhiệm vụ gì trong CV về cai nghiện?"))
    ['công văn', 'thông báo']
    >>> designated_types("Ai chủ trì xây dựng nghị định về tín chỉ?")
    frozenset()

    ``extra``: the types of the loaded documents (``Tham luận``, ``Giấy mời``), found the same way.

    >>> sorted(designated_types("Theo tham luận của UBND TP Huế, ai làm gì?", ["tham luận", "văn bản"]))
    ['tham luận']
    """
    q = fold(text)
    found = {fold(DOC_TYPES.get(m.group(1), m.group(1))) for m in _DESIGNATED.finditer(q)}
    # types the table does not list, as the loaded documents print them ("Theo tham luận …")
    for kind in sorted({fold(k) for k in extra} - _GENERIC_TYPES):
        if kind and re.search(_DESIGNATING + re.escape(kind) + r"(?!\w)", q):
            found.add(kind)
    return frozenset(found)


def doc_type(document: str) -> str:
    """``Nghị quyết 105/NQ-CP`` → ``nghị quyết``; ``Quyết định /QĐ-UBND`` → ``quyết định``."""
    return re.split(r"\s+(?:số\s*)?[\d/]", fold(document))[0].strip()


def _title_score(question: Question, doc: DocFacts) -> float:
    wanted = question.terms - _QUESTION_WORDS
    share = len(wanted & terms(f"{doc.document} {doc.title}")) / len(wanted) if wanted else 0.0
    return share + (0.25 if doc_type(doc.document) in named_types(question.text) else 0.0)


def _file_numbers(file: str) -> frozenset[int]:
    """Document numbers a file name carries as ``số/ký hiệu`` with ``/`` written ``-``:
    ``65_CV_5689-BCA-C04_….pdf`` → {5689}; ``cong-van-612-SCT-QLCN.docx`` → {612}."""
    return frozenset(int(n) for n in re.findall(r"(?<![\d])(\d{1,5})-[A-ZĐ]", file))


def _cited_in(question: Question, docs: Sequence[DocFacts]) -> list[DocFacts]:
    """The documents the question cites: by the number in their name, else in their file name
    (a scan or an e-signed document whose header carries no readable number)."""
    refs = " ".join(subject_refs(question.text))
    by_name = referenced_documents(refs, [d.document for d in docs])
    if by_name:
        return [d for d in docs if d.document in by_name]
    numbers = {n for _, n in Question.parse(refs).cited}
    return [d for d in docs if numbers & _file_numbers(d.file)]


def pick_document(question: Question, docs: Sequence[DocFacts], hits: Sequence[Hit]) -> DocFacts | None:
    """The document the question is about: cited by number, else the best-titled among the hits'."""
    pool = _cited_in(question, docs)
    if not pool:
        by_file = {d.file: d for d in docs}
        pool = [by_file[f] for f in dict.fromkeys(h.chunk.file for h in hits) if f in by_file]
    if not pool:
        return None
    rank = {d.file: i for i, d in enumerate(pool)}
    return max(pool, key=lambda d: (round(_title_score(question, d), 3), -rank[d.file]))


def not_loaded(question: Question, docs: Sequence[DocFacts]) -> list[str]:
    """The references (``CT 99``) of a document the question is about that is certainly not
    loaded: none matches, and every loaded document's number is known (a scan or an
    e-signed document without a readable number might be it)."""
    refs = subject_refs(question.text)
    if refs and not _cited_in(question, docs) and all(re.search(r"\d", d.document) for d in docs):
        return refs
    return []


def _sentence(doc: DocFacts, field: MetaField) -> str | None:
    if field == "signer" and doc.signer:
        who = f"{doc.position} {doc.signer}" if doc.position else doc.signer
        return f"{doc.document} do {who} ký [1]."
    if field == "date" and doc.date:
        return f"{doc.document} được ban hành ngày {doc.date:%d/%m/%Y} [1]."
    if field == "issuer" and doc.issuer:
        return f"{doc.document} do {doc.issuer} ban hành [1]."
    return None


_MISSING = {"signer": "người ký", "date": "ngày ban hành", "issuer": "cơ quan ban hành"}


def meta_answer(question: Question, field: MetaField, docs: Sequence[DocFacts],
                hits: Sequence[Hit]) -> Answer | None:
    """The answer to a signer / date / issuer question; None when no document is in play.

    A document cited by number but not loaded is said to be missing (``found`` false).

    A field the document does not print (an e-signed document's date sits in the
    digital signature, not the text) is said plainly, with ``found`` false.
    """
    missing = not_loaded(question, docs)
    if missing:
        return Answer(question.text, False, f"Không thấy {', '.join(missing)} trong các văn bản đã nạp — "
                      "hãy nạp văn bản đó rồi hỏi lại.", gap="document_not_loaded")
    doc = pick_document(question, docs, hits)
    if doc is None:
        return None
    citation = Citation(doc.file, doc.document, "", "Thể thức văn bản", doc.summary(), 0.0, None, 1)
    text = _sentence(doc, field)
    if text is None:
        return Answer(question.text, False,
                      f"Không thấy {_MISSING[field]} trong phần thể thức của {doc.document} "
                      "(văn bản ký số ghi thông tin này trong chữ ký số; bản quét có thể nhận dạng chưa ra) [1].",
                      (), (citation,), gap="no_header_field")
    return Answer(question.text, True, text, (), (citation,))
