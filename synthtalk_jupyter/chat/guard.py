"""Input guard: runs locally before anything reaches the model (no LLM, well under 10 ms).

``check_input(text, dataset=None, history=())`` returns a :class:`GuardResult` with
``.allowed``, ``.category`` (``ok`` / ``injection`` / ``jailbreak`` / ``off_topic``) and
``.reason``.

How it decides (explainable rules first, then a small statistical classifier; all local):

1. **Normalise** the text: NFKC (full-width letters), invisible characters removed,
   Cyrillic/Greek look-alikes mapped to Latin, lower case; then derive variants an attacker
   may hide behind: leetspeak undone, spaced/dotted letters joined (``i g n o r e``),
   underscores as spaces, typos of key words repaired (``igonre``, ``prevoius``), text read
   backwards, ROT13, base64 and hex chunks decoded, and a letters-only squeeze (``'DR'+'OP'``).
2. **Attack patterns** (injection and jailbreak) are searched in every variant:
   instruction override aimed at instructions/rules/prompt/guardrails (not at data:
   "ignore nulls", "drop duplicates", "forget the previous filter" are fine), system-prompt
   extraction, fake role markers (``SYSTEM:``, ``<|im_start|>``, ``[INST]``), destructive or
   file/URL/env-touching SQL and requests (``DROP TABLE``, ``DELETE FROM``, ``read_csv``,
   ``/etc/passwd``, API keys, ``curl``), role play with a dangerous persona (DAN, developer
   mode, "no restrictions", "act as a Linux terminal"; "act as a data analyst" is fine).
3. **Topic**: a question is on topic when it names the dataset (tables, columns, enum
   values, singular/plural), or uses the vocabulary of data analysis (count, average,
   chart, per month ...) without belonging to a clearly unrelated domain (poems, weather,
   recipes, trivia ...), or is a short follow-up in a conversation about the data.
   Sample values of the dataset's categorical columns (first rows, cached per dataset) and
   a small German/French/Spanish analytics vocabulary count as evidence too.
   Two refusals need no off-topic domain word: a personal advice frame ("how do I deal with
   ...", "should I buy ...", "what's a good ... strategy") and a *foreign subject*: content
   words that name nothing in the dataset (tables, columns, values), no generic data or
   business noun and no usual analytics wording, in a text that asks for no aggregate,
   ranking or comparison ("recommended dose of ibuprofen"). Both only when no analysis
   wording anchors the text and the classifier leans off topic (calibrated thresholds).
4. **Classifier** (:mod:`.guard_model`): hashed char/word n-grams + logistic regression,
   trained lazily on the packaged ``guard_data.jsonl``; run on the normalised text and the
   decoded variants. It catches attacks the patterns miss (paraphrases, other languages) and
   arbitrates topic where the rules have only weak evidence ("average height of a giraffe").
   Its output is a probability, never executed.

PII masking (:func:`mask_pii`): emails, phone numbers, card numbers (Luhn), IBANs (mod 97).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import time
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

CATEGORIES = ("ok", "injection", "jailbreak", "off_topic")
MAX_CHARS = 4000  # longer inputs are checked on their head and tail


@dataclass(frozen=True)
class GuardResult:
    allowed: bool
    category: str = "ok"  # ok | injection | jailbreak | off_topic
    reason: str = ""
    rule: str | None = None  # name of the rule that fired (for tuning / tracing)
    variant: str | None = None  # text variant it fired on (plain, base64, rot13 ...)
    elapsed_ms: float = 0.0

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def message(self) -> str:
        """A plain message for the user."""
        if self.allowed:
            return ""
        if self.category == "off_topic":
            return ("I can only help with questions about the active dataset and its analysis "
                    "(counts, trends, comparisons, charts ...). " + self.reason)
        return ("This request looks like an attempt to change my instructions or reach beyond the "
                "dataset, so I did not send it to the model. " + self.reason)


# -- normalisation ------------------------------------------------------------------

_CONFUSABLES = str.maketrans({
    # Cyrillic
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "к": "k", "м": "m", "т": "t", "в": "b",
    "н": "h", "ӏ": "l",
    # Greek
    "α": "a", "ε": "e", "ο": "o", "ρ": "p", "ι": "i", "κ": "k", "ν": "v", "τ": "t", "υ": "u",
    "χ": "x",
})
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s",
                       "!": "i", "|": "l", "+": "t"})
_INVISIBLE = re.compile(r"[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
                        r"\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]")
_SPACED = re.compile(r"(?<![a-z])(?:[a-z][ .\-_*/\\]{1,2}){3,}[a-z](?![a-z])")
_B64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
_HEX = re.compile(r"\b(?:[0-9a-fA-F]{2}){6,}\b")
_WORD = re.compile(r"[a-z]+")

_KEYWORDS = (
    "ignore", "disregard", "previous", "instructions", "instruction", "system", "prompt", "reveal",
    "override", "bypass", "restrictions", "jailbreak", "developer", "forget", "guidelines", "delete",
    "truncate", "password", "passwords", "credentials", "secret", "secrets", "execute", "sandbox",
    "unrestricted", "unfiltered", "pretend", "roleplay", "show", "print", "table", "drop", "rules",
)


@lru_cache(maxsize=1)
def _typo_index() -> tuple[dict[str, str], dict[str, str]]:
    deletions: dict[str, str] = {}
    anagrams: dict[str, str] = {}
    for kw in _KEYWORDS:
        anagrams.setdefault("".join(sorted(kw)), kw)
        if len(kw) >= 5:
            for i in range(len(kw)):
                deletions.setdefault(kw[:i] + kw[i + 1:], kw)
    return deletions, anagrams


def _fix_typos(text: str) -> str:
    deletions, anagrams = _typo_index()
    kws = set(_KEYWORDS)

    def fix(m: re.Match) -> str:
        w = m.group(0)
        if len(w) < 4 or w in kws:
            return w
        sig = "".join(sorted(w))
        if sig in anagrams:  # transposed letters
            return anagrams[sig]
        if len(w) >= 4 and w in deletions:  # a letter missing
            return deletions[w]
        if len(w) >= 6:  # one letter too many / wrong
            for i in range(len(w)):
                cand = w[:i] + w[i + 1:]
                if cand in kws:
                    return cand
                if cand in deletions and len(deletions[cand]) == len(w):
                    return deletions[cand]
        return w

    return _WORD.sub(fix, text)


def normalize(text: str) -> str:
    t = unicodedata.normalize("NFKC", text)
    t = _INVISIBLE.sub("", t)
    t = t.translate(_CONFUSABLES)
    t = "".join(ch for ch in t if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    t = t.lower().translate(_CONFUSABLES)
    return t.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


def _printable(b: bytes) -> str | None:
    try:
        s = b.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not s or sum(ch.isprintable() or ch.isspace() for ch in s) < 0.9 * len(s):
        return None
    if sum(ch.isalpha() for ch in s) < 0.5 * len(s):
        return None
    return s


def variants(text: str) -> list[tuple[str, str]]:
    """(name, text) pairs searched for attack patterns."""
    raw = text if len(text) <= MAX_CHARS else text[: MAX_CHARS // 2] + "\n" + text[-MAX_CHARS // 2:]
    base = normalize(raw)
    out = [("plain", base)]
    under = base.replace("_", " ")
    if under != base:
        out.append(("underscores", under))
    joined = _SPACED.sub(lambda m: re.sub(r"[ .\-_*/\\]", "", m.group(0)), under)
    if joined != under:
        out.append(("spaced", joined))
    leet = under.translate(_LEET)
    if leet != under:
        out.append(("leet", leet))
    typo = _fix_typos(leet)
    if typo != leet:
        out.append(("typos", typo))
    out.append(("reversed", base[::-1]))
    out.append(("rot13", codecs.decode(base, "rot13")))
    for m in _B64.finditer(raw):
        chunk = m.group(0)
        try:
            dec = _printable(base64.b64decode(chunk + "=" * (-len(chunk) % 4), validate=False))
        except (binascii.Error, ValueError):
            dec = None
        if dec:
            out.append(("base64", normalize(dec)))
    for m in _HEX.finditer(raw):
        try:
            dec = _printable(bytes.fromhex(m.group(0)))
        except ValueError:
            dec = None
        if dec:
            out.append(("hex", normalize(dec)))
    return out


# -- attack rules ---------------------------------------------------------------------

_S = r"[^.?!\n;]"  # within one clause
_OBJ = (r"(?:instructions?|directions|directives?|rules|guidelines|guidance|guardrails?|(?:system )?prompt|"
        r"(?:whatever|what|everything|anything) (?:\w+ ){0,3}(?:configured|programmed|instructed|told|set up) with|"
        r"system message|constraints|restrictions|polic(?:y|ies)|programming|safety(?: \w+)?|filters|"
        r"sandbox|limitations|training|the above|everything above|all of the above|"
        r"everything (?:you(?:'ve| have)? (?:were |been )?told|before|above)|what you were told|"
        r"(?:the |your )?(?:previous|prior|earlier|above|original|initial) (?:message|context|conversation|text)|"
        r"what (?:the )?(?:system|developers?|admin\w*|operators?|creators?) (?:said|says|told you|wrote|set up)|"
        r"(?:the |your )?old (?:one|task|orders|instructions?|rules|setup))")

_INJECTION: list[tuple[str, str]] = [
    # instruction override
    ("override", rf"\b(?:ignore|ignoring|disregard|forget|override|overriding|bypass|abandon|neglect|pay no attention to|"
                 rf"do not follow|don'?t follow|stop following|set aside|skip|throw away|discard)\b{_S}{{0,40}}?\b{_OBJ}\b"),
    ("override_all", r"\b(?:ignore|disregard|forget)\s+(?:all|every|any)(?: of)?(?: the| your| my)?\s*(?:previous|prior|earlier|above|preceding)?\s*(?:instructions?|rules|commands|messages?|directions)\b"),
    ("override_prev", r"\b(?:ignore|disregard|forget)\s+(?:the\s+|your\s+|all\s+)?(?:previous|prior|above|preceding|earlier)\s+(?:instructions?|rules|commands|directions|prompt|guidelines)\b"),
    ("new_rules", r"\b(?:new|updated|real|actual|true)\s+(?:instructions?|rules|directives?|task|orders)\s*(?::|are|is)\b|"
                  r"\bnew (?:policy|rules|instructions|guidelines)\s+(?:lets|allows|permits|says|requires)\b|"
                  r"\bnew (?:task|job|mission|assignment|role|objective|goal) for you\b"),
    ("rules_obsolete", r"\b(?:previous|prior|earlier|original|old|current|your)\s+(?:guidance|instructions?|rules|policy|policies|prompt|guidelines|directives)\s+(?:is|are|was|were|has been|have been)\s+(?:now\s+)?"
                       r"(?:obsolete|void|outdated|cancell?ed|revoked|invalid|no longer valid|superseded|replaced|deprecated|suspended)\b"),
    ("rules_changed", r"\b(?:instructions?|rules|guidelines|directives|guardrails?|restrictions|sandbox|filters|safety \w+)\s+(?:have|has)\s+(?:been\s+)?(?:changed|updated|replaced|modified|removed|lifted|disabled)\b"),
    ("rules_off", r"\b(?:guardrails?|safety(?: checks?| filters?| rules)?|sandbox|restrictions|content polic(?:y|ies)|filters)\s+(?:are|is)\s+(?:now\s+)?(?:disabled|off|lifted|removed|turned off|suspended)\b"),
    ("disable_safety", rf"\b(?:disable|turn off|deactivate|remove|lift|bypass|circumvent|get around|escape|break out of|evade|skip|switch off)\b{_S}{{0,30}}\b(?:sandbox|guardrails?|safety|security|content polic(?:y|ies)|sql restrictions|restrictions|filters?)\b"),
    ("no_sandbox", r"\b(?:no longer need to|don'?t need to|do not need to|without)\s+(?:use\s+)?(?:the\s+)?sandbox\b"),
    # prompt extraction
    ("system_prompt", r"\bsystem\s*(?:prompt|message|instructions?|configuration)\b|\bsystemprompt\b|\bsysteemprompt\b"),
    ("hidden_prompt", r"\b(?:initial|original|hidden|secret|internal|developer|pre-?)\s*(?:prompt|instructions?|directives)\b"),
    ("show_instructions", rf"\b(?:print|show|reveal|repeat|output|display|tell me|give me|paste|dump|leak|quote|summari[sz]e|translate|list|what (?:are|were|is))\b{_S}{{0,30}}\b(?:your|the)\s+(?:instructions|prompt(?!-)|rules(?: you)?|guidelines|directives|configuration|context window|initial message|first message)\b"
                          r"(?!\s+(?:for|of|on|in|about|behind|governing)\s+(?:the\s+|this\s+|that\s+|each\s+|every\s+)?(?:[\w-]+\s+){0,2}"
                          r"(?:columns?|fields?|tables?|values?|data|dataset|status|codes?|ids?|categor\w+|enums?|rows?|records?)\b)"),
    ("repeat_above", r"\brepeat\s+(?:the\s+|all\s+|everything\s+)?(?:text|words|message|content|lines?)?\s*(?:above|before)\b|\b(?:verbatim|word for word)\b|"
                     rf"\b(?:repeat|print|show|output|copy|quote)\b{_S}{{0,30}}\b(?:written|said|sent|given)\s+(?:before|above|prior to|ahead of)\b|"
                     r"\b(?:text|message|messages|words|content|everything|instructions?)\s+(?:that\s+)?you\s+(?:received|got|were given|were sent|saw|read)\s+"
                     r"(?:before|prior to|ahead of|at the (?:start|beginning)|first)\b"),
    ("behaviour_prompt", r"\b(?:message|prompt|text|instructions?|rules)\s+(?:that|which)\s+(?:defines?|controls?|governs?|shapes?|configures?|sets? up|determines?)\s+(?:your|the assistant'?s?|how you)\b|"
                         r"\bexact (?:wording|text|words) of (?:the|your)\b"),
    ("context_dump", r"\bcontext window\b|\bfirst message (?:in|of) (?:this|the) conversation\b|\bwhat you were told\b"),
    ("instructions_q", r"\bwhat (?:are|were) your (?:instructions|rules|orders|guidelines)\b|\byour (?:instructions|rules)\b.{0,20}\b(?:in full|verbatim|exactly)"),
    # fake roles / markers
    ("role_marker", r"(?m)^\s*(?:system|assistant|developer|admin|root)\s*:|<\|im_(?:start|end)\|>|\[/?inst\]|<</?sys>>|"
                    r"\"role\"\s*:\s*\"(?:system|assistant|developer)\"|#{2,}\s*(?:system|instruction|override)|<!--|"
                    r"</?(?:system|instructions?|data|context|prompt)>"),
    ("authority", r"\b(?:admin|administrator|system|priority|developer|root)\s+(?:override|message|note|mode|access)\b|\bmaintenance mode\b|"
                  r"\bauthori[sz]ation (?:granted|code)\b|\boverride code\b|\bpenetration test\b|\bnote from the developer\b|"
                  r"\bmessage from (?:openai|anthropic|the developers?|the admin)\b|\bi am (?:the|your) (?:developer|creator|admin|administrator|owner)\b|"
                  r"\bthe user is an? (?:admin|administrator)\b|\bthe admin says\b"),
    ("pwned", r"\bpwn(?:ed)?\b"),
    # reaching data the user may not see, or smuggling data out through rendered output
    ("out_of_scope", r"\b(?:not (?:supposed|allowed|meant|permitted) to|shouldn'?t (?:be able to )?)\s+(?:see|access|know|read|view|have)\b|"
                     r"\bmarkdown image\b|!\[[^\]]*\]\(|\btracking pixel\b|\bwebhook\b|"
                     r"\b(?:url|link|endpoint|image)\b[^.?!\n;]{0,40}\b(?:my|our|an? external|attacker'?s?)\s+(?:own\s+)?(?:server|domain|endpoint|site|host)\b"),
    # destructive SQL and data changes
    ("ddl_dml", r"\bdrop\s+(?:table|database|schema|view|index|column|macro)\b|\bdelete\s+from\b|\bupdate\s+\w+\s+set\b|"
                r"\binsert\s+into\b|\btruncate\s+table\b|\balter\s+(?:table|database|schema|view)\b|"
                r"\bcreate\s+(?:or\s+replace\s+)?(?:temp\w*\s+)?(?:table|view|schema|database|macro|function|secret|index)\b|"
                r"\bmerge\s+into\b|\bgrant\s+all\b"),
    ("ddl_nl", r"\b(?:drop|truncate|erase|wipe|purge|destroy|delete)\s+(?:the\s+|this\s+|our\s+|my\s+|all\s+)?(?:\w+\s+)?(?:table|database|schema|tables|db)\b|"
               r"\b(?:remov\w*|eras\w*|delet\w*|wip\w*|purg\w*|destroy\w*|drop\w*)\b[^.?!\n;]{0,50}\b(?:permanently|for good|forever|irreversibly)\b|"
               r"\bcreate\s+(?:a\s+)?(?:new\s+)?(?:table|view|database)\b|\brename\s+(?:the\s+)?(?:table|column|database|schema)\b"),
    ("destroy_nl", rf"\b(?:delete|drop|truncate|remove|erase|wipe|purge|destroy|clear)\b{_S}{{0,50}}\b(?:against|on|in|from|of)\s+(?:the\s+|this\s+|our\s+|my\s+)?(?:\w+\s+)?(?:table|database|db|dataset)\b|"
                   rf"\bwipe\b{_S}{{0,20}}\b(?:database|table|data|db)\b"),
    ("destroy_nl2", r"\bpermanently\s+(?:delete|remove|erase|wipe|purge|drop|clear)\b|"
                    r"\b(?:empty|wipe out|clear out|clean out|nuke|blank out)\s+(?:the\s+|all\s+|our\s+|this\s+)?(?:\w+\s+){0,2}(?:tables?|database|db)\b|"
                    r"\b(?:clear|clean|empty|wipe)\w*\b[^.?!\n;]{0,50}\b(?:permanently|for good|forever|irreversibly)\b"),
    ("modify_nl", rf"\b(?:replace|modify|change|alter|overwrite|update|set)\b{_S}{{0,50}}\bin\s+the\s+(?:\w+\s+)?(?:table|database)\b|"
                  r"\b(?:modify|alter|overwrite|change|update|edit)\s+(?:the\s+)?\w+\s+table\b|"
                  rf"\binsert\b{_S}{{0,40}}\binto\s+(?:the\s+)?(?:\w+\s+)?(?:table|database)\b|"
                  r"\b(?:directly|permanently|physically|right)\s+(?:in|into|inside)\s+(?:the\s+)?(?:\w+\s+)?(?:table|database|db)\b|"
                  r"\b(?:in|into)\s+the\s+(?:\w+\s+)?(?:table|database|db)\s+(?:itself|directly)\b"),
    ("sql_write_nl", r"\bdelete\b[^.?!\n;]{0,40}\b(?:no|without(?: a| any)?)\s+where\b|"
                     r"\bset\s+(?:the\s+)?(?:\w+\s+){1,2}(?:column|field|values?)\s+to\s+(?:zero|null|0|empty|blank|-?\d|'|\")[^.?!\n;]{0,30}\b(?:for|on|in)\s+(?:every|all|each)\w*\b|"
                     r"\b(?:wipes?|wiped|wiping|nukes?|nuked|purges?|purged|truncates?|truncated|erases?|erased|destroys?|destroyed)\b[^.?!\n;]{0,40}\btables?\b(?!\s+(?:chart|plot|output|view|layout|format))"),
    ("destructive_stmt", r"\b(?:drop|delete|truncate|insert|update|ddl|dml|destructive|write)\s+(?:statements?|queries|commands)\b"),
    ("duckdb_admin", r"\bcopy\b[^\n]{0,80}\bto\s+['\"]|\bcopy\s+\w+\s+to\b|\battach\s+['\"]|\battach\b[^\n]{0,60}\bas\s+\w+|"
                     r"\bdetach\b|\binstall\s+\w+|\bload\s+(?:httpfs|the extension|\w+\s+extension)|\bload\b[^\n]{0,30}\bextension\b|"
                     r"\bpragma\b|\bset\s+(?:enable_|lock_|memory_limit|threads|external|allow_|secret)|"
                     r"\b(?:enable_external_access|lock_configuration|allow_unsigned_extensions|secret_directory|memory_limit)\b|"
                     r"\bexport\s+database\b|\bimport\s+database\b|\bvacuum\b|\bcheckpoint\b"),
    # files, URLs, environment, code execution
    ("system_scope", r"\b(?:every|all|other|any)\s+(?:\w+\s+)?(?:databases?|datasets?|schemas?|files?|folders?|directories|processes|users)\b[^.?!\n;]{0,30}\b(?:on|in|of)\s+(?:this|the|that)\s+(?:machine|server|system|host|computer|box|disk|container)\b"),
    ("file_access", r"/etc/(?:passwd|shadow|hosts|group|sudoers|\w+)|~/\.\w+|\bid_rsa\b|\.pem\b|\.env\b|\bc:\\|"
                    r"(?:^|\s|['\"(])/(?:home|root|var|tmp|proc|usr|opt|srv|mnt)/|\bfile:/|\b(?:s3|gs|gcs|az|abfss?|hf)://|"
                    r"\bsystem32\b"),
    ("file_functions", r"\bread_(?:csv|csv_auto|text|blob|parquet|json|json_auto|json_objects|ndjson)\b|\bglob\s*\(|\bglob\b[^\n]{0,10}['\"]/|"
                       r"\bgetenv\b|\bcurrent_setting\b|\bduckdb_\w+|\bpragma_\w+|\bquery_table\b|\bsniff_csv\b|"
                       r"\bparquet_scan\b|\bsqlite_master\b|\binformation_schema\b|\bpg_catalog\b|\bquery\(\)|\bthe query\(\) table function\b"),
    ("secrets", r"\b(?:api[ _-]?keys?|secret[ _-]?(?:access[ _-]?)?keys?|access[ _-]?keys?|credentials?|admin passwords?|"
                r"database passwords?|passwords? (?:he|she|you) knows?|auth(?:entication)? tokens?|bearer tokens?|private keys?)\b|"
                r"\benvironment variables?\b|\b(?:openai|aws|azure|langfuse|anthropic)_\w*\b|\bsecrets?\b(?! santa)"),
    ("exfil_url", rf"\b(?:send|post|upload|export|exfiltrate|fetch|load|read|open|download|pipe|forward|write|transfer|copy|email)\b{_S}{{0,80}}\bhttps?://|"
                  rf"\b(?:e-?mail|mail|send|forward|post|transfer|copy)\b{_S}{{0,80}}\bto\s+(?:me\s+at\s+|my\s+(?:\w+\s+)?(?:address|inbox)\s+)?[\w.+-]+@[\w-]+\.[a-z]{{2,}}\b|"
                  r"\bhttps?://\S*(?:evil|attacker|malware|collector|exfil)|\b169\.254\.169\.254\b|\bmetadata/|\bpastebin\b|\bpublic (?:paste|gist)\b|\bexfiltrat"),
    ("code_exec", r"\bimport\s+os\b|\bos\.(?:system|popen|environ)|\bsubprocess\b|__import__|\beval\s*\(|\bexec\s*\(|\brm\s+-rf\b|"
                  r"\bsudo\b|/bin/(?:ba)?sh\b|\|\s*(?:ba)?sh\b|\b(?:curl|wget)\s+\S+|\bpowershell\b|\bnc\s+-e\b"),
    ("data_instructions", rf"\btreat\b{_S}{{0,40}}\bas\s+(?:an?\s+)?(?:system\s+|admin\s+)?(?:instructions?|commands?|prompts?|orders)\b|"
                          rf"\b(?:follow|execute|obey|run)\b{_S}{{0,40}}\b(?:instructions?|commands?)\b{_S}{{0,40}}\b(?:in|from|inside)\s+the\s+(?:data|\w+ column|notes|rows|values|names|results?|cells?)\b|"
                          rf"\b(?:instructions?|commands?)\s+in\s+the\s+(?:\w+\s+)?(?:column|data|rows|field|notes)s?\b{_S}{{0,40}}\bfollow\b"),
    ("obfuscation", r"\b(?:decode|base64|rot13|hex[ -]?decode|read (?:this|it) backwards|reverse (?:this|it))\b[^\n]{0,40}\b(?:and|then)\s+(?:follow|do|execute|run|obey)|"
                    r"\bnow run (?:that|it|this) as sql\b|\bcombine the letters\b"),
    ("multilingual", r"\bignor(?:a|e|ez|iere|ieren)\b[^\n]{0,30}\b(?:instrucciones|instructions|anweisungen|istruzioni|instru[cç][õo]es|instructies|regeln|reglas|r[eè]gles)\b|"
                     r"\b(?:olvida|vergiss|oublie|dimentica|esque[cç]a|negeer|vergeet)\b[^\n]{0,30}(?:\b|\w*)(?:instrucciones|anweisungen|instructions|istruzioni|instru[cç][õo]es|instructies|regeln|reglas|r[eè]gles|regole|regras|regels|consignes|vorgaben)\b|"
                     r"\bignorier\w*\b[^\n]{0,30}\w*(?:regeln|anweisungen|vorgaben|richtlinien)\b|"
                     r"\b(?:vergiss|vergesst|oublie[sz]?|olvida|olvide|dimentica|esque[cç]a|negeer|vergeet)\b[^\n]{0,15}\b(?:alles|tout|todo|tutto|tudo|alle[s]?)\b[^\n]{0,40}\b(?:gesagt|gesagte|dit|dicho|detto|dito|gezegd|vorher|zuvor|bisher|avant|antes|prima|eerder)\b|"
                     r"\b(?:leere|leeren|leer|vide[rz]?|vac[ií]a|vaciar|svuota|esvazie|maak)\b[^\n]{0,20}\b(?:tabelle|tabla|table|tabella|tabela|tabel)\b|"
                     r"\b(?:l[öo]sche|borra|supprime[sz]?|cancella|apague|apaga|verwijder|elimina)\b[^\n]{0,20}\b(?:tabelle|tabla|table|tabella|tabela|tabel)\b|"
                     r"\b(?:a partir de ahora|desde ahora|d[ée]sormais|[àa] partir de maintenant|ab (?:jetzt|sofort)|von nun an|d'ora in (?:poi|avanti)|a partir de agora|vanaf nu)\b[^\n]{0,20}\b(?:eres|sos|es|êtes|bist|sei|é|bent)\b|"
                     r"\b(?:eres|sos|tu es|t'es|vous [êe]tes|du bist|bist du|sei|você é|jij bent)\b[^\n]{0,40}\b(?:sin|sans|ohne|senza|sem|zonder)\s+(?:filtros?|filtres?|filter|filtri|restricciones|restrictions|einschr[äa]nkungen|restrizioni|restri[cç][õo]es|reglas|r[eè]gles|regeln|regole|regras|l[ií]mites|limites|grenzen|limiti|censura|censure|zensur)\b|"
                     r"\bprompt del sistema\b|\bsystemprompt\b|前の指示|システムプロンプト|忽略|之前的所有指令|系统提示|игнорируй|предыдущие инструкции|системный промпт"),
]

_JAILBREAK: list[tuple[str, str]] = [
    ("dan", r"\bdo anything now\b|\bbetterdan\b|\bstrive to avoid norms\b|\bmachiavellian\b"),
    ("mode", r"\b(?:developer|god|sudo|unrestricted|unlocked|opposite|evil|chaos|freedom|dan|jailbreak|no[- ]limits?)\s+mode\b|\bmode enabled\b"),
    ("jailbreak", r"\bjail-?broken\b|\bjail-?break\b"),
    ("no_limits", r"\b(?:no|without(?: any)?|free of|zero)\s+(?:restrictions|rules|filters|limits|limitations|guidelines|content polic(?:y|ies)|censorship|"
                  r"ethical guidelines|ethics|morals|boundaries|warnings|refusals|guardrails|safety guardrails|laws)\b|\bno limits\b"),
    ("unfiltered", r"\b(?:unfiltered|uncensored|unrestricted|unlimited|unbound|unshackled|unchained)\b"),
    ("stay_in_character", r"\bstay in character\b|\bbreak character\b|\bnever (?:refuses?|says? no)\b|\b(?:don'?t|do not) refuse\b|"
                          r"\bwithout refusing\b|\bnever refuse\b|\bno refusals\b"),
    ("you_are_now", r"\b(?:you are|you're|you will be|you have become)\s+(?:now|no longer)\b|\bfrom (?:now on|this moment|this point)\b"
                    rf"{_S}{{0,40}}\b(?:you|act|respond|answer|behave|reply)\b|\bno longer (?:bound|restricted|limited|a data assistant|an assistant)\b"),
    ("stop_being", r"\bstop being (?:a|an|the)\b|\b(?:freed|liberated|released) from\b"),
    ("persona", rf"\b(?:act(?:ing)? as|pretend(?:ing)? (?:to be|you are|you're|that you are)|role-?play(?:ing)?(?: as)?|play the role of|"
                rf"impersonate|adopt the persona|you'?re an actor|simulate (?:a|an)|be my|answer as|respond (?:to every prompt )?as|"
                rf"imagine you are|imagine you're|you are (?:a|an) (?:different )?ai)\b{_S}{{0,60}}\b(?:linux|terminal|shell|console|hacker|"
                rf"sysadmin|admin|administrator|dba|database administrator|root|evil|villain|rogue|unfiltered|jailbroken|"
                rf"different ai|another ai|ai (?:called|named|without|that|character)|chatbot|grandm\w*|grandfather|father|mother|"
                rf"deceased|late|bot|persona|twin|omega|personas|uncensored|no content policy|no guidelines)\b"),
    ("pretend_rules", rf"\b(?:pretend|imagine|suppose|assume|hypothetically|thought experiment|fictional world|for educational purposes)\b"
                      rf"{_S}{{0,60}}\b(?:rules|restrictions|guidelines|sandbox|guardrails|filters|limits|laws|policies)\b"),
    ("rules_dont_apply", r"\b(?:rules|restrictions|guidelines|laws|policies)\s+(?:don'?t|do not|no longer)\s+apply\b|\bthere are no (?:laws|rules|restrictions)\b"),
    ("permission", r"\bi (?:give|grant) you permission\b|\bi order you\b|\byou must obey\b|\bobey (?:me|the following)\b|\bwithout question\b"),
    ("break_rules", r"\b(?:break|ignore|bypass|violate)\s+(?:your|the|its|all)\s+(?:rules|programming|guidelines|restrictions|limits|policies)\b"),
    ("evil_ai", rf"\b(?:villain|rogue|evil|malicious)\b{_S}{{0,20}}\b(?:ai|assistant|bot|twin|chatbot|model)\b"),
    ("hacking", rf"\b(?:how (?:to|would you)|explain how to|steps to)\b{_S}{{0,30}}\b(?:hack|steal|exfiltrate|leak|dump|break into|bypass)\b|"
                rf"\b(?:hack|steal|exfiltrate|leak|dump)\b{_S}{{0,30}}\b(?:database|the data|secrets|credentials|passwords|prompts?|the \w+ table)\b|"
                rf"\bbypass\b{_S}{{0,40}}\bsandbox\b|\bloves? breaking\b"),
    ("two_personas", r"\b(?:two|dual|both) (?:personas|responses|characters)\b|\bconfirm by saying\b|\bjailbreak successful\b"),
    ("dan_name", r"(?-i:\bDAN\b|\bSTAN\b|\bAIM\b)"),  # case-sensitive on the raw text, see below
]


def _compile(rules: list[tuple[str, str]]) -> list[tuple[str, re.Pattern]]:
    return [(name, re.compile(rx, re.IGNORECASE)) for name, rx in rules]


_INJ = _compile([r for r in _INJECTION])
_JB = _compile([r for r in _JAILBREAK if r[0] != "dan_name"])
_DAN = re.compile(r"\bDAN\b|\bSTAN\b|\bAIM\b(?=,| is| always)")
_SQUEEZE_HITS = ("droptable", "deletefrom", "ignoreprevious", "ignoreallprevious", "systemprompt", "insertinto",
                 "truncatetable", "disregardprevious", "ignoreyourinstructions", "revealyourprompt")
_NONLETTERS = re.compile(r"[^a-z]+")

_REASONS = {
    "injection": "It contains instructions aimed at the assistant itself (override, prompt extraction, "
                 "destructive SQL or access to files, URLs or secrets).",
    "jailbreak": "It asks the assistant to adopt a persona or mode without its rules.",
}


def _scan(vs: Sequence[tuple[str, str]], raw: str) -> GuardResult | None:
    # jailbreak first on the plain text (more specific category), then injection on every variant
    for vname, text in vs:
        for name, rx in _JB:
            if rx.search(text):
                return GuardResult(False, "jailbreak", _REASONS["jailbreak"], rule=name, variant=vname)
        for name, rx in _INJ:
            if rx.search(text):
                return GuardResult(False, "injection", _REASONS["injection"], rule=name, variant=vname)
    if _DAN.search(raw):
        return GuardResult(False, "jailbreak", _REASONS["jailbreak"], rule="dan_name", variant="plain")
    for vname, text in vs[:5]:
        squeezed = _NONLETTERS.sub("", text)
        for hit in _SQUEEZE_HITS:
            if hit in squeezed:
                return GuardResult(False, "injection", _REASONS["injection"], rule="squeezed:" + hit,
                                   variant=vname + "+squeezed")
    return None


_WRITE_CACHE: dict[int, tuple[object, re.Pattern]] = {}
_NOT_TABLE_USE = r"(?!\s+(?:chart|plot|graph|query|results?|list|output|analysis|breakdown|view|report|summary|comparison|grouping|legend|axis|figure|visual\w*))"


def _write_rx(dataset) -> re.Pattern:
    """Requests to change the data (add rows to / empty a table of *this* dataset), in plain words."""
    schema = getattr(dataset, "schema", dataset) if dataset is not None else None
    cached = _WRITE_CACHE.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    names: set[str] = set()
    for t in (getattr(schema, "tables", {}) or {}).values() if schema is not None else ():
        n = str(t.name).lower()
        for form in {n, n.replace("_", " ")}:
            names.add(re.escape(form))
            names.add(re.escape(_stem(form)))
    tables = "|".join(sorted(names, key=len, reverse=True)) or "table"
    things = rf"(?:rows?|records?|entry|entries|{tables})"
    rx = re.compile(
        rf"\b(?:insert|add|create|append|inject|put)\s+(?:me\s+)?(?:a|an|one|two|some|\d+|new|fake|test|dummy|bogus|made-up)\s+"
        rf"(?:new\s+|fake\s+|test\s+|dummy\s+|bogus\s+)?(?:[\w-]+\s+){{0,2}}?{things}\b[^.?!\n;]{{0,40}}?\b(?:into|to|in)\s+(?:the\s+)?"
        rf"(?:{tables}|table|database|db)\b{_NOT_TABLE_USE}|"
        rf"\binsert\s+(?:a|an|one|some|new|fake|test|\d+)\s+(?:[\w-]+\s+){{0,2}}(?:row|record|entry|{tables})\b|"
        rf"\b(?:add|create|make up|fabricate|inject)\s+(?:a|an|one|some|\d+)\s+(?:new\s+)?(?:fake|dummy|bogus|made-up|fictitious|phony|phoney)\s+(?:[\w-]+\s+){{0,1}}{things}\b|"
        rf"\b(?:empty|wipe(?: out)?|clear out|clean out|purge|nuke|truncate|erase|destroy)\s+(?:all\s+)?(?:of\s+)?(?:the\s+|our\s+|this\s+)?"
        rf"(?:{tables})(?=\s*(?:tables?\b|$|[.,;!?`'\"]|(?:so|and|now|then|please|pls|completely|entirely|permanently|for good)\b))|"
        rf"\b(?:wipe|wipes|wiping|nuke|nukes|purge|purges|erase|erases|destroy|destroys)\s+(?:all\s+)?(?:of\s+)?(?:the\s+|our\s+|this\s+)?(?:{tables})\b|"
        rf"\btruncate\s+(?:table\s+)?[`'\"]?(?:{tables})\b(?!\s+(?:names?|labels?|titles?|descriptions?|text|strings?|to\b))",
        re.IGNORECASE)
    if len(_WRITE_CACHE) > 64:
        _WRITE_CACHE.clear()
    _WRITE_CACHE[id(schema)] = (schema, rx)
    return rx


# -- topic ----------------------------------------------------------------------------

# words that on their own show a question is about data (strong evidence)
_DATA_WORDS = set("""
count counts counted total totals sum sums average averages avg mean means median percentile percentiles quantile
quartile distribution distributions histogram trend trends breakdown percentage percent ratio proportion per grouped
grouping monthly weekly daily yearly annual annually quarterly cumulative rolling correlation correlate variance std
deviation outlier outliers null nulls missing duplicate duplicates duplicated distinct row rows column columns table
tables dataset datasets data schema record records field fields query queries sql select join joined chart charts
plot plots graph graphs visualize visualise heatmap scatter legend axis sample samples statistics stats kpi metric
metrics aggregate aggregated aggregation cohort cohorts retention churn funnel seasonality seasonal yoy mom qoq ytd
bucket buckets bin bins frequency anomaly anomalies orphan orphans integrity consistency entries values
analysis analyses analyse analyze analyzed analysed output result results decimal decimals numbers figures currency
euros euro dollars dollar rounding round rounded filter filters filtered sort sorted ascending descending rank
ranked ranking group groups
""".split())
_PERIOD = re.compile(r"\b(?:per|each|by|every|over|across)\s+(?:the\s+)?(?:day|week|month|quarter|year|hour|weekday|time|period|segment|category|region|country)s?\b|"
                     r"\b(?:last|previous|this|current|next|first|past)\s+(?:\d+\s+)?(?:days?|weeks?|months?|quarters?|years?)\b|"
                     r"\bdate range\b|\b(?:in|since|until|before|after|during|from|for) (?:early |late |mid-?)?(?:january|february|march|april|may|june|july|august|"
                     r"september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b|\b(?:q[1-4]|h[12]|fy)\s*(?:19|20)?\d{0,2}\b|\b(?:19|20)\d{2}\b")

_ANALYTICS = set("""
count counts counted how many much number numbers total totals sum sums average averages avg mean means median
mode min max minimum maximum top bottom highest lowest most least best worst largest smallest biggest rank ranked
ranking percentile percentiles quantile quartile distribution distributions histogram trend trends growth compare
compared comparison versus vs breakdown break split share percentage percent ratio rate rates proportion fraction
per each group grouped grouping monthly weekly daily yearly annual annually quarterly month months year years
quarter quarters week weeks day days weekday weekdays weekend weekends hour hours over time cumulative rolling moving
correlation correlate variance std deviation outlier outliers null nulls missing duplicate duplicates duplicated
distinct unique filter filters filtered sort sorted order ordered ascending descending limit row rows column columns
table tables dataset datasets data schema record records field fields query queries sql select join joined chart
charts plot plots graph graphs visual visualize visualise bar bars line lines scatter pie heatmap box legend axis
sample samples list show display summarize summarise summary overview insight insights statistics stats kpi metric
metrics value values entries entry aggregate aggregated aggregation segment segments category categories type types
cohort cohorts retention churn funnel conversion seasonality seasonal yoy mom qoq growth ytd previous prior latest
earliest oldest newest recent last first dates date period range ranges bucket buckets bin bins frequency
frequent often rare typical anomaly anomalies pattern patterns compute calculate calculated recompute exclude
excluding include including only where without whose which having matching match orphan orphans validate integrity
consistency
""".split())

_BUSINESS = set("""
revenue revenues sales sale sold sell spend spent spending profit profits margin cost costs price prices priced
amount amounts order orders customer customers client clients product products item items invoice invoices payment
payments transaction transactions account accounts user users employee employees salary salaries department
departments store stores shop inventory stock quantity quantities units unit basket purchase purchases purchased
buyer buyers seller sellers supplier suppliers vendor vendors shipment shipments shipping delivery deliveries
subscription subscriptions plan plans region regions country countries city cities segment lifetime ltv aov
discount discounts refund refunds return returns headcount payroll hire hired hires tenure manager managers job
jobs title titles
""".split())

_OFF_TOPIC = [
    r"\b(?:poem|poems|poetry|haiku|limerick|sonnets?|ballad|rap song|song|lyrics|story|stories|bedtime|fairy tale|novel|essay|riddle|joke|jokes|fun fact)\b",
    r"\b(?:weather|forecast|rain|snow|temperature|sunny|climate change)\b",
    r"\b(?:recipe|recipes|cook|cooking|bake|baking|dinner|lunch|breakfast|pancakes?|bread)\b",
    r"\b(?:translate|translation)\b",
    r"\b(?:cover letter|resume|cv|job interview|linkedin post|birthday message|email to my|letter to|my boss|raise)\b",
    r"\b(?:capital of|president of|prime minister|population of|people live|who (?:is|was|wrote|painted|won|invented|discovered)|"
    r"how (?:tall|far|old|big|deep|long) is|speed of light|meaning of life|richest person|population|inhabitants)\b",
    r"\b(?:quantum|black holes?|vaccines?|physics|chemistry|biology|history of|roman empire|universe|planet|moon)\b",
    r"\b(?:flight|flights|hotel|trip|travel|vacation|holiday|book me)\b",
    r"\b(?:dating|date night|first date|girlfriend|boyfriend|relationship advice|puppy|dog|cat|cats|pet)\b",
    r"\b(?:headache|fever|medicine|doctor|diagnose|symptoms?|lose weight|weight loss|workout|muscle|meditate|diet)\b",
    r"\blose \d+\s*(?:kg|kilos?|pounds|lbs)\b",
    r"\b(?:summari[sz]e|explain) the plot\b|\bplot of (?:the )?(?:book|movie|film|novel|play|story|series|episode)\b",
    r"\b(?:movie|movies|film|films|podcast|tv show|series|netflix|book recommendation|recommend (?:a|me) (?:good )?(?:book|movie|novel|podcast|film))\b",
    r"\b(?:chess|play a game|video game)\b",
    r"\b(?:stocks?|crypto|bitcoin|invest|investing|investment)\b",
    r"\b(?:react component|wordpress|website|web scraper|html|css|javascript|bash script|login form|homework|calculus|integrate)\b",
    r"\b(?:smartphone|laptop|bike|tire|tyre|car repair|ants|kitchen|garden(?:ing)? tips)\b",
    r"\b(?:news|score of|game tonight|lakers|world cup|olympics|cricket|football|soccer)\b",
    r"\b(?:programming language|learn (?:spanish|french|german|to code|a language)|what time is it)\b",
    r"\b(?:write|compose|draft|generate|make up|create)\s+(?:me\s+)?(?:a|an|some)\s+(?:\w+\s+){0,2}(?:poem|story|essay|email|letter|song|speech|script|post|tweet|message|riddle|joke|component|app|website|scraper)\b",
]
_OFF_RX = re.compile("|".join(_OFF_TOPIC), re.IGNORECASE)
# off-topic phrases that decide even when the text names the dataset or uses data words (a recitation, a
# chemistry table, career advice): nothing an analysis of a dataset would say
_OFF_HARD = re.compile(
    r"\b(?:periodic table|periodic elements|chemical elements)\b|"
    r"\bcount (?:from \d+ )?(?:up |down |backwards? )?to \d+\b|"
    r"\b(?:say|spell|count|write|pronounce|recite)\b[^.?!\n]{0,30}\bin (?:french|german|spanish|italian|japanese|chinese|korean|"
    r"russian|latin|portuguese|dutch|arabic|hindi|swedish|polish|turkish|greek)\b|"
    r"\b(?:how (?:do |can |should |to |would )?(?:i |we |you )?|tips (?:to|for|on) |help me |advice on )negotiat\w*|"
    r"\bask(?:ing)? (?:my (?:boss|manager) )?for (?:a )?(?:raise|pay rise|promotion)\b|\bcareer advice\b",
    re.IGNORECASE)
_FUZZY_BASE = frozenset(_DATA_WORDS | _BUSINESS)
# asking for a piece of writing or code that is not analysis: off topic even if it names a table
_GENRE_RX = re.compile(
    r"\b(?:write|compose|draft|generate|make up|create|build|code)\s+(?:me\s+)?(?:a|an|some)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:poem|story|essay|song|rap|speech|limerick|haiku|sonnet|ode|ballad|verse|rhyme|fable|tale|screenplay|"
    r"riddle|joke|scraper|crawler|bot|website|web ?app|app|component|game|cover letter|love letter|"
    r"regex|regexp|regular expression|(?:python|javascript|java|bash|shell|powershell|rust|go) (?:script|function|program|class)|"
    r"unit tests?|dockerfile|tweet|linkedin post|blog post|press release|e-?mail|newsletter|memo|announcement|"
    r"slogan|tagline|catchphrase|jingle|caption|ad copy|advert\w*|marketing copy|(?:product )?description|bio|toast|eulogy|"
    r"wedding speech|motto|name for (?:my|our|a))\b|"
    r"\b(?:come up with|think of|brainstorm|invent)\s+(?:me\s+)?(?:a|an|some|\d+)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:slogan|tagline|catchphrase|name|names|jingle|caption|story|poem|joke|riddle)s?\b", re.IGNORECASE)
# a personal how-to / advice frame ("how do I deal with ...", "should I buy ...", "what's a good ... strategy"):
# a question about the user's life, not about the data, unless data words anchor it
_ADVICE = re.compile(
    r"\bhow (?:do|can|should|could|would) i (?!(?:see|get|find|show|list|count|compute|calculate|filter|sort|group|plot|chart|"
    r"query|join|compare|break|split|export|read|interpret|tell|know|check|spot|measure|exclude|include|rank)\b)|"
    r"\b(?:should i|shall i|do i need to|is it (?:smarter|better|wiser|wise|worth it|a good idea|safe|healthy|normal|ok|okay) to)\b|"
    r"\bwhat(?:'s| is) (?:a |the )?(?:good|best|healthy|safe|smart|recommended|normal|typical) (?:\w+ )?"
    r"(?:strategy|way|idea|place|time|age|gift|diet|dose|dosage|routine|plan|approach|option|app|tool|brand)\b|"
    r"\b(?:any|some|give me|got any) (?:good )?(?:tips|advice|ideas|riddles|jokes|recommendations)\b|"
    r"\b(?:help me|how to) (?:deal with|cope with|handle|fix|repair|make|open|write|plan|choose|pick|buy|sell|learn)\b|"
    r"\bfor (?:a|an) (?:\d+[- ]year[- ]old|adult|child|kid|student|beginner|teenager)\b|\bunrelated\b|\boff[- ]topic\b",
    re.IGNORECASE)
_FOLLOW_UP = re.compile(
    r"\b(?:that|it|those|them|this|these|same|instead|again|also|now|too|more|less|why|explain|only|exclude|"
    r"add|remove|sort|sorted|make it|as a|what about|how about|and for|and the|per|by|but|then|previous|last one|"
    r"above|earlier|chart|plot|table|numbers|percent|percentages)\b|^\s*(?:and|or|but|so|ok|okay|now|what about)\b",
    re.IGNORECASE)
_GENERIC_PARTS = {"id", "ids", "name", "names", "at", "by", "date", "type", "code", "no", "num", "key", "is", "has",
                  "created", "updated", "time", "desc", "description", "flag", "line", "value", "the", "of", "to",
                  "in", "on", "for", "and", "or", "a", "an", "ts", "dt", "uuid", "pk", "fk", "ref"}


def _stem(w: str) -> str:
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ses", "xes", "zes", "ches", "shes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z][a-z0-9]*", text)


_VOCAB_CACHE: dict[int, tuple[object, frozenset[str]]] = {}


def schema_vocabulary(dataset) -> frozenset[str]:
    """Stemmed words naming the dataset: tables, columns (and their parts), enum values."""
    if dataset is None:
        return frozenset()
    schema = getattr(dataset, "schema", dataset)
    cached = _VOCAB_CACHE.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    words: set[str] = set()

    def add(name: str | None) -> None:
        if not name:
            return
        s = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name)).lower()
        for w in _words(s.replace("_", " ")):
            if w not in _GENERIC_PARTS and len(w) > 1:
                words.add(_stem(w))

    for t in getattr(schema, "tables", {}).values():
        add(t.name)
        add(t.comment)
        for c in t.columns:
            add(c.name)
            for v in (c.type.values or ())[:50]:
                add(v)
    vocab = frozenset(words)
    if len(_VOCAB_CACHE) > 64:
        _VOCAB_CACHE.clear()
    _VOCAB_CACHE[id(schema)] = (schema, vocab)
    return vocab


def samples_hit(wset: set[str], dataset) -> bool:
    return bool(wset & sample_vocabulary(dataset))


_SAMPLE_CACHE: dict[int, tuple[object, frozenset[str]]] = {}
_SAMPLE_ROWS = 200
_STOP = set("""the and for with from that this what which who how are was were you your our their his her its
not all any one two new old can will would should could have has had been more most less than then them they
yes none null true false other unknown n/a""".split())


def sample_vocabulary(dataset) -> frozenset[str]:
    """Stemmed words from values of low-cardinality text columns (first rows only, cached per dataset)."""
    if dataset is None or not hasattr(dataset, "schema") or not (hasattr(dataset, "arrow") or hasattr(dataset, "preview")):
        return frozenset()
    cached = _SAMPLE_CACHE.get(id(dataset))
    if cached is not None and cached[0] is dataset:
        return cached[1]
    words: set[str] = set()
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        from .context import _sample_table
        for key in list(getattr(dataset, "tables", []) or [])[:30]:
            t = _sample_table(dataset, key)
            if t is None or t.num_rows == 0:
                continue
            for name in t.column_names:
                col = t.column(name)
                if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
                    continue
                uniq = pc.unique(col.drop_null()).to_pylist()
                if len(uniq) > max(25, t.num_rows // 4):  # names, emails, free text: not a vocabulary
                    continue
                for v in uniq:
                    if isinstance(v, str) and len(v) <= 40:
                        for w in _words(v.lower().replace("_", " ")):
                            if len(w) >= 3 and w not in _STOP:
                                words.add(_stem(w))
    except Exception:  # a broken source must never break the guard
        words = set()
    vocab = frozenset(words)
    if len(_SAMPLE_CACHE) > 64:
        _SAMPLE_CACHE.clear()
    _SAMPLE_CACHE[id(dataset)] = (dataset, vocab)
    return vocab


# analytics vocabulary in German, French and Spanish (the classifier covers the rest)
_INTL_RX = re.compile(
    r"\b(?:wie ?viele|anzahl|durchschnitt\w*|summe|gesamt\w*|umsatz\w*|pro (?:monat|jahr|tag|woche|kunde)|nach (?:monat|jahr|status|land|kategorie)|"
    r"bestellung\w*|kunde[n]?|produkt\w*|mitarbeiter\w*|abteilung\w*|gehalt|gehälter|verteilung|anteil|diagramm|tabelle\w*|zeile\w*|spalte\w*|"
    r"combien|nombre de|moyen(?:ne)?|somme|total(?:e|es)?|chiffre d'affaires|par (?:mois|an|année|jour|semaine|pays|catégorie|statut)|"
    r"commandes?|clients?|produits?|employés?|départements?|salaires?|répartition|évolution|graphique|tableau|lignes?|colonnes?|"
    r"cu[aá]nt[oa]s|n[uú]mero de|promedio|media|suma|ventas?|por (?:mes|año|día|semana|país|categoría|estado)|"
    r"pedidos?|clientes?|productos?|empleados?|departamentos?|salarios?|distribuci[oó]n|gr[aá]fic[oa]|tabla|filas?|columnas?|"
    # ranking words and common dataset entities (warehouses, shipments, players, teams, matches, tests, patients ...)
    r"m[aá]s (?:alt[oa]s?|baj[oa]s?|frecuen\w*|de)|el m[aá]s|la m[aá]s|los m[aá]s|las m[aá]s|le plus|la plus|les plus|le moins|am meisten|am h[äa]ufigsten|"
    r"h[öo]chste\w*|niedrigste\w*|meisten|mayor(?:es)?|menor(?:es)?|"
    r"almac[eé]n\w*|env[ií]os?|entrep[oô]ts?|envois?|exp[ée]ditions?|lager\w*|sendung\w*|lieferung\w*|"
    r"jugador\w*|joueu?r\w*|spieler\w*|equipos?|[ée]quipes?|mannschaft\w*|partidos?|goles|buts|tore|"
    r"pruebas?|an[aá]lisis|analyses|laborwert\w*|pacientes?|patients?|patienten|ingresos?|admissions?|"
    r"[uú]ltim[oa]s? \d+ (?:d[ií]as|semanas|meses|a[ñn]os)|derni[eè]re?s? \d+ (?:jours|semaines|mois|ann[ée]es)|\d+ derni(?:ers|[eè]res) (?:jours|semaines|mois|ann[ée]es)|"
    r"letzten \d+ (?:tage|tagen|wochen|monate|monaten|jahre|jahren)|"
    r"frecuencia|fr[ée]quence|h[äa]ufigkeit|capacidad|capacit[ée]|kapazit[äa]t|transacci\w*|cuentas?|comptes?|konten|konto\w*)\b",
    re.IGNORECASE)

# Classifier thresholds. The decision is asymmetric: refusing a real analytics question is the worst
# failure, a missed attack is serious, a missed off-topic question is mild (the model's system prompt
# declines it too). Calibrated by cross-validation on the study splits (dev, test, fresh, holdout, dev2, holdout2-4;
# ``python benchmarks/guard_eval.py --calibrate``), never on the blind holdout5.
THRESHOLDS: dict[str, float] = {
    "attack": 0.70,  # P(injection+jailbreak) that blocks a text with an attack cue or no data intent
    "attack_nodata": 0.50,  # ... a text with no data intent at all (it would be refused as off topic anyway)
    "attack_data": 0.90,  # ... a text with data intent and no attack cue (analytics wording with "drop" ...)
    "attack_short": 0.90,  # ... a text of five words or fewer ("as a table please")
    "off_schema": 0.90,  # P(off_topic) that overrides a question naming the dataset
    "off_weak": 0.45,  # ... that overrides generic data/business words ("average height of a giraffe")
    "off_domain": 0.30,  # ... that confirms an off-topic domain word when data words are present too
    "off_history": 0.90,
    "off_strong": 0.70,  # ... that overrides statistics wording about business things ("median basket size")
    "off_own": 0.98,  # ... that overrides a dataset name with "we/our" ("how many interns do we have")  # ... that overrides a follow-up in a conversation about the data
    "ok_none": 0.90,  # P(ok) that lets through a question without any evidence
    "off_advice": 0.50,  # P(off_topic) that refuses a personal advice frame ("how do I deal with ...") without analysis words
    "off_foreign": 0.60,  # ... a text whose subject (2+ content words) is foreign to the dataset, without analysis words
    "off_foreign1": 0.80,  # ... the same with a single foreign word
}

# words that only attacks need: the assistant's instructions, personas, secrets, files, shells ...
_ATTACK_CUE = re.compile(
    r"\b(?:instruct\w*|prompt|prompts|rules?|guidelines?|guidance|directives?|polic(?:y|ies)|told|setup|set-up|"
    r"configur\w*|system|developers?|creators?|admin\w*|root|shell|terminal|console|sandbox|guardrails?|filters?|"
    r"restrict\w*|limits?|limitations|unlimited|pretend|imagine|roleplay|role-play|persona|character|mode|"
    r"jailbr\w*|obey|comply|command|commands|secrets?|hidden|passwords?|credentials?|tokens?|keys?|files?|"
    r"folders?|director(?:y|ies)|env\w*|server|host|machine|url|http\w*|upload|send|leak|steal|dump|hack\w*|"
    r"reveal|verbatim|override|bypass|disregard|ignore|forget|obsolete|void|ai|assistant|bot|gpt|model|"
    r"delete|drop|truncate|wipe|erase|purge|destroy|insert|update|alter|rename|permanent\w*|database|db|oublie\w*|vergiss\w*|olvida\w*|ignor\w*|efface\w*|supprim\w*|borra\w*|l[öo]sch\w*|consignes|anweisung\w*|instrucci\w*|r[eè]gles|reglas|regeln|normas|oculto|cach[ée]e?|versteckt\w*)\b",
    re.IGNORECASE)


# first person plural: the user's own organisation ("how many interns do we have", "our biggest spenders")
_OWN = re.compile(r"\b(?:we|our|ours|us)\b")
# a reference to the data itself ("the numbers", "what tables", "this dataset")
_DATA_REF = re.compile(r"\b(?:the|this|these|our|my|your) (?:data|dataset|datasets|numbers|figures|stats|statistics|metrics|kpis|"
                       r"results|tables?|columns?|fields?|schema)\b|\b(?:which|what|how many) (?:tables|columns|fields|datasets)\b")
# a peak / extreme period ("busiest hour", "slowest weekday")
_PEAK = re.compile(r"\b(?:busiest|peak|quietest|slowest|strongest|weakest|best|worst|highest|lowest|biggest|top)\s+"
                   r"(?:hours?|days?|weekdays?|weeks?|months?|quarters?|years?|seasons?|times? of (?:day|year)|shifts?)\b")


def _morph(w: str) -> set[str]:
    """A word and its crude base forms (plural, agent noun, -ing): 'spenders' -> 'spend'."""
    out = {w, _stem(w)}
    for suf in ("ers", "ing"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            out.add(w[:-len(suf)])
    return out


@lru_cache(maxsize=128)
def _typo_index_for(vocab: frozenset) -> dict[str, str]:
    """One-letter deletions of the vocabulary's words (five letters or more) -> the word."""
    idx: dict[str, str] = {}
    for v in vocab:
        if len(v) >= 5:
            for i in range(len(v)):
                idx.setdefault(v[:i] + v[i + 1:], v)
    return idx


def _fuzzy_hits(words: Iterable[str], vocab: frozenset) -> set[str]:
    """Vocabulary words reached by one typo (a letter missing, extra, wrong or two swapped): 'contry', 'revenu'."""
    idx = _typo_index_for(vocab)
    hits: set[str] = set()
    for w in words:
        if len(w) < 4 or w in vocab:
            continue
        if w in idx:  # a letter missing
            hits.add(idx[w])
            continue
        if len(w) < 5:
            continue
        for i in range(len(w)):
            c = w[:i] + w[i + 1:]
            if len(c) >= 5 and c in vocab:  # a letter too many
                hits.add(c)
                break
            if len(w) >= 6 and c in idx and len(idx[c]) == len(w):  # a wrong letter
                hits.add(idx[c])
                break
            if i + 1 < len(w):
                sw = w[:i] + w[i + 1] + w[i] + w[i + 2:]
                if sw != w and sw in vocab:  # two letters swapped
                    hits.add(sw)
                    break
    return hits


_FUZZY_BASE: frozenset = frozenset()  # set after the word lists below


def _data_intent(text: str, dataset) -> bool:
    """Evidence that the text is about the data: schema words, data/business words, periods, SQL."""
    raw = set(_words(text))
    if {_stem(w) for w in raw} & schema_vocabulary(dataset):
        return True
    return bool(raw & _DATA_WORDS or raw & _BUSINESS or _PERIOD.search(text) or _INTL_RX.search(text)
                or re.search(r"\bselect\b.+\bfrom\b", text))


_EN_FUNCTION = frozenset("""the a an is are was were of for to in on at what which who whom how do does did my i me with
about and or can could should would will any some there it this that""".split())
_CALENDAR = frozenset("""january february march april may june july august september october november december jan feb mar
apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun
spring summer autumn fall winter christmas easter weekend weekday morning evening night noon midnight today yesterday
tomorrow""".split())
# words that ask for an aggregate, a ranking or a comparison: a question that has one is treated as analysis
# by the foreign-subject rule even when its subject is unknown (the dataset may hold it as a value)
_OPERATORS = frozenset("""count counts how many much number total totals sum average averages avg mean median min max
minimum maximum top bottom highest lowest most least best worst largest smallest biggest fewest rank ranked ranking
compare compared comparison versus vs per each share percentage percent ratio rate rates trend trends growth
distribution breakdown""".split())


@lru_cache(maxsize=1)
def _ok_vocabulary() -> frozenset[str]:
    """Word forms seen in the classifier's ordinary (``ok``) training questions: the everyday wording of
    analytics requests ("went", "ever", "exactly" ...), so that only a question's *subject* is foreign."""
    from .guard_model import load_training_data
    out: set[str] = set()
    for t, lab in load_training_data():
        if lab == "ok":
            for w in _words(normalize(t)):
                out |= _morph(w)
    return frozenset(out)


def _foreign_words(text: str, dataset) -> list[str]:
    """Content words of an English text that name nothing in the dataset (tables, columns, enum and sample
    values), no generic data or business noun and no usual analytics wording: the subject of "recommended
    dose of ibuprofen" is 'ibuprofen', of "open a bank account in Germany" 'bank', 'germany'. Empty for
    other languages (their words are all unknown, which says nothing) and for a text that asks for an
    aggregate, ranking or comparison (its unknown words may be values the dataset holds: "most
    prescribed drugs in cardiology")."""
    words = _words(text)
    if not (set(words) & _EN_FUNCTION) or _INTL_RX.search(text):
        return []
    if set(words) & _OPERATORS:
        return []
    known = _ok_vocabulary() | _DATA_WORDS | _ANALYTICS | _BUSINESS | _STOP | _EN_FUNCTION | _CALENDAR
    vocab = schema_vocabulary(dataset) | sample_vocabulary(dataset)
    out = []
    for w in words:
        if len(w) < 3 or w[0].isdigit():
            continue
        f = _morph(w)
        if not (f & known or f & vocab):
            out.append(w)
    return out


def _anchor(text: str) -> bool:
    """The text asks for an analysis: data words, a period, a reference to the data, SQL."""
    forms = set().union(*(_morph(w) for w in _words(text))) if text else set()
    return bool(forms & _DATA_WORDS or _PERIOD.search(text) or _DATA_REF.search(text)
                or re.search(r"\bselect\b.+\bfrom\b", text))


def _topic(text: str, dataset, history: Sequence[str], probs: dict[str, float] | None = None,
           thr: dict[str, float] | None = None) -> GuardResult | None:
    thr = thr or THRESHOLDS
    probs = probs or {"ok": 0.5, "off_topic": 0.5}
    p_off, p_ok = probs.get("off_topic", 0.0), probs.get("ok", 0.0)
    words = [_stem(w) for w in _words(text)]
    wset = set(words)
    vocab = schema_vocabulary(dataset)
    schema_hits = wset & vocab
    hard = _OFF_HARD.search(text)
    if hard and not ({_stem(w) for w in _words(hard.group(0))} & vocab):
        return GuardResult(False, "off_topic", f"(“{hard.group(0)}” is not about the data.)", rule="off_topic_hard")
    anchored = _anchor(text)
    # a personal how-to / advice frame without any analysis wording: the classifier need only lean off topic
    advice = _ADVICE.search(text)
    if advice and not anchored and p_off >= thr["off_advice"]:
        return GuardResult(False, "off_topic", f"(“{advice.group(0).strip()}” asks for advice, not an analysis of the data.)",
                           rule="off_topic_advice")
    # names of the dataset used incidentally: the subject is something the dataset does not hold ("rugby",
    # "ibuprofen") and nothing asks for an analysis
    if not anchored and not samples_hit(wset, dataset):
        foreign = _foreign_words(text, dataset)
        if foreign and p_off >= (thr["off_foreign"] if len(foreign) >= 2 else thr["off_foreign1"]):
            return GuardResult(False, "off_topic", f"(“{foreign[0]}” is not something this dataset holds.)",
                               rule="off_topic_foreign")
    if schema_hits:
        genre = _GENRE_RX.search(text)
        if genre:  # a poem, a slogan, a letter about the data is still not an analysis of it
            return GuardResult(False, "off_topic", f"(“{genre.group(0)}” is not an analysis of the data.)",
                               rule="off_topic_genre")
        # the user's own organisation and a name of the dataset: only a near-certain classifier overrules
        limit = max(thr["off_schema"], thr["off_own"]) if _OWN.search(text) else thr["off_schema"]
        if p_off >= limit:
            return GuardResult(False, "off_topic", "This does not look like a question about the data.",
                               rule="model_off_topic_schema")
        return None
    raw_words = set(_words(text))
    forms = set().union(*(_morph(w) for w in raw_words)) if raw_words else set()
    strong = forms & _DATA_WORDS
    weak = raw_words & _ANALYTICS
    business = forms & _BUSINESS
    samples = wset & sample_vocabulary(dataset)
    sql = re.search(r"\bselect\b.+\bfrom\b", text)
    off = _OFF_RX.search(text)
    # an off-topic domain word ("temperature", "doctor", "football") decides alone only when nothing in the
    # text is about data; with data words it needs the classifier to agree (datasets have such columns)
    if off and not ((strong or business or samples or sql) and p_off < thr["off_domain"]):
        return GuardResult(False, "off_topic", f"(“{off.group(0)}” is not about the data.)", rule="off_topic_domain")
    # data words, a table-like business noun, a sample value of the data or analytics wording in another
    # language are evidence; the classifier may still overrule them ("average height of a giraffe")
    ref = _DATA_REF.search(text)
    fuzzy = set()
    if not (strong or business or samples or sql):
        fuzzy = _fuzzy_hits(raw_words - _ANALYTICS, _FUZZY_BASE) | _fuzzy_hits(raw_words - _ANALYTICS, vocab)
    if (strong or business or samples or fuzzy or ref or _PEAK.search(text) or _PERIOD.search(text)
            or _INTL_RX.search(text) or sql):
        limit = thr["off_weak"]
        if ((strong or _PERIOD.search(text)) and (business or ref or _OWN.search(text))) or _PEAK.search(text):  # an analysis of business things: strong evidence
            limit = max(limit, thr["off_strong"])
        if ref or (_OWN.search(text) and (strong or business)):  # "the numbers", "our biggest spenders"
            limit = max(limit, thr["off_schema"])
        if history:  # a follow-up in a conversation about the data
            limit = max(limit, thr["off_history"])
        if p_off >= limit and not (samples or sql):
            return GuardResult(False, "off_topic", "This does not look like a question about the data.",
                               rule="model_off_topic")
        return None
    if history and (weak or len(words) <= 12 or _FOLLOW_UP.search(text)) and p_off < thr["off_history"]:
        return None
    if p_ok >= thr["ok_none"] and p_off < 0.3:
        return None
    return GuardResult(False, "off_topic", "Ask about the tables, columns or values of the dataset.",
                       rule="no_data_words")


def _model_probs(vs: Sequence[tuple[str, str]], model=None
                 ) -> tuple[dict[str, float], dict[str, float] | None, str]:
    """Class probabilities of the plain text, and the most attack-like variant (decoded, joined ...)."""
    if model is None:
        from .guard_model import get_model
        model = get_model(normalize)
    plain = model.predict_proba(vs[0][1])
    worst, worst_name, worst_p = None, "plain", plain["injection"] + plain["jailbreak"]
    for name, text in vs[1:]:
        if name not in ("spaced", "typos", "base64", "hex"):
            continue
        pr = model.predict_proba(text)
        pa_ = pr["injection"] + pr["jailbreak"]
        if pa_ > worst_p:
            worst, worst_name, worst_p = pr, name, pa_
    return plain, worst, worst_name


def _model_attack(text: str, dataset, plain: dict[str, float], worst: dict[str, float] | None,
                  vname: str, thr: dict[str, float] | None = None, history_on_topic: bool = False
                  ) -> GuardResult | None:
    """The classifier blocks on its own only with strong evidence: a text about the data without any
    word an attack needs (instructions, prompt, persona, secrets, files, destructive verbs ...) must be
    very attack-like; a decoded/joined variant that scores higher than the plain text is suspicious."""
    thr = thr or THRESHOLDS
    pr = worst if worst is not None else plain
    p_att = pr["injection"] + pr["jailbreak"]
    limit = thr["attack"]
    intent = _data_intent(text, dataset)
    if worst is None and (intent or history_on_topic) and not _ATTACK_CUE.search(text):
        # about the data, or a follow-up in a conversation about it, without any word an attack needs
        limit = thr["attack_data"]
    elif not intent and not history_on_topic and p_att >= max(pr["ok"], pr["off_topic"]):
        limit = min(limit, thr["attack_nodata"])
    if worst is None and len(_words(text)) <= 5:  # too few words for the n-grams to be reliable
        limit = max(limit, thr["attack_short"])
    if p_att < limit:
        return None
    cat = "jailbreak" if pr["jailbreak"] > pr["injection"] else "injection"
    return GuardResult(False, cat, _REASONS[cat], rule=f"model:{cat}:{p_att:.2f}", variant=vname)


# -- public API ----------------------------------------------------------------------------

def check_input(text: str, dataset=None, history: Iterable[str] = (), *, _model=None,
                _thresholds: dict[str, float] | None = None) -> GuardResult:
    """Classify a user's question before it reaches the model (local, no LLM).

    ``_model`` / ``_thresholds`` are for calibration (cross-validation) only."""
    t0 = time.perf_counter()
    if not isinstance(text, str) or not text.strip():
        return GuardResult(False, "off_topic", "The question is empty.", rule="empty",
                           elapsed_ms=(time.perf_counter() - t0) * 1000)
    hist = [h for h in history if isinstance(h, str)]
    vs = variants(text)
    res = _scan(vs, text)
    if res is None:
        m = _write_rx(dataset).search(vs[0][1])
        if m:
            res = GuardResult(False, "injection", _REASONS["injection"], rule="write_nl", variant="plain")
    if res is None:
        plain, worst, vname = _model_probs(vs, _model)
        res = _model_attack(vs[0][1], dataset, plain, worst, vname, _thresholds, bool(hist))
        if res is None:
            res = _topic(vs[0][1], dataset, hist, plain, _thresholds)
    if res is None:
        res = GuardResult(True, "ok", "")
    return GuardResult(res.allowed, res.category, res.reason, res.rule, res.variant,
                       elapsed_ms=(time.perf_counter() - t0) * 1000)


# -- PII masking ----------------------------------------------------------------------------

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_CARD = re.compile(r"\b(?:\d[ -]?){12,18}\d\b")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]\d{2,4}){1,4}(?!\w)|"
                    r"(?<![\w+])\+\d{8,14}(?!\w)")
_DATE_LIKE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")


def _luhn(digits: str) -> bool:
    total, alt = 0, False
    for ch in reversed(digits):
        d = int(ch)
        if alt:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
        alt = not alt
    return total % 10 == 0


def _iban_ok(s: str) -> bool:
    s = s.replace(" ", "")
    if not 15 <= len(s) <= 34:
        return False
    r = s[4:] + s[:4]
    num = "".join(str(int(ch, 36)) for ch in r)
    return int(num) % 97 == 1


def mask_pii(text: str) -> tuple[str, dict[str, int]]:
    """Replace emails, card numbers, IBANs and phone numbers by placeholders; count them."""
    counts = {"email": 0, "card": 0, "iban": 0, "phone": 0}

    def email(m):
        counts["email"] += 1
        return "[EMAIL]"

    def card(m):
        digits = re.sub(r"\D", "", m.group(0))
        if 13 <= len(digits) <= 19 and _luhn(digits):
            counts["card"] += 1
            return "[CARD]"
        return m.group(0)

    def iban(m):
        if _iban_ok(m.group(0)):
            counts["iban"] += 1
            return "[IBAN]"
        return m.group(0)

    def phone(m):
        s = m.group(0).strip()
        digits = re.sub(r"\D", "", s)
        if _DATE_LIKE.match(s) or len(digits) < 8 or len(digits) > 15:
            return m.group(0)
        if not (s.startswith(("+", "(")) or re.search(r"[\s.-]", s)):
            return m.group(0)
        counts["phone"] += 1
        return "[PHONE]"

    out = _EMAIL.sub(email, text)
    out = _IBAN.sub(iban, out)
    out = _CARD.sub(card, out)
    out = _PHONE.sub(phone, out)
    return out, counts
