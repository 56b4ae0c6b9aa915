"""Read a LaTeX formula aloud in Korean, for the alt text of formula pictures ("σ 프라임 x 는 …").

A small reader for the constructs the sources use: fractions, sums and products, roots, sub- and
superscripts, Greek letters, accents, font commands, the common functions and relations. Anything it
does not know is read by its name, so the result never holds a backslash or a brace.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

GREEK: Mapping[str, str] = MappingProxyType({
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
    "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ",
    "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Pi": "Π", "Sigma": "Σ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "ell": "l",
})
WORDS: Mapping[str, str] = MappingProxyType({
    "log": "로그", "ln": "자연로그", "exp": "지수", "sin": "사인", "cos": "코사인", "tanh": "tanh",
    "max": "최대", "min": "최소", "partial": "∂", "nabla": "기울기", "infty": "무한대", "prime": "프라임",
    "top": "전치", "cdot": "곱하기", "times": "곱하기", "odot": "원소별 곱", "circ": "원소별 곱",
    "star": "교차 상관", "sim": "분포를 따름", "in": "속함", "mid": "조건부", "leq": "이하", "le": "이하",
    "geq": "이상", "ge": "이상", "approx": "근사", "neq": "같지 않음", "leftarrow": "갱신", "to": "에서",
    "rightarrow": "에서", "Rightarrow": "이면", "ldots": "…", "cdots": "…", "dots": "…", "quad": ",",
    "qquad": ",", "lfloor": "내림", "langle": "평균", "|": "노름", "pm": "플러스 마이너스",
})
SILENT = frozenset({"left", "right", ",", ";", " ", "!", "rfloor", "rangle", "{", "}", "displaystyle"})
SYMBOLS: Mapping[str, str] = MappingProxyType({
    "=": "는", "+": "더하기", "-": "빼기", "*": "합성곱", "/": "나누기", "<": "작음", ">": "큼",
    "|": "절댓값", "'": "프라임", ",": ",", ";": ",", ":": ",",
})
ACCENTS: Mapping[str, str] = MappingProxyType({
    "hat": "햇", "tilde": "틸드", "bar": "바", "vec": "벡터", "dot": "도트",
})
BEFORE: Mapping[str, str] = MappingProxyType({"overrightarrow": "정방향", "overleftarrow": "역방향"})
FONTS = frozenset({"mathrm", "mathbf", "mathit", "mathsf", "text", "operatorname", "boldsymbol"})
NAMED: Mapping[str, str] = MappingProxyType({"mathbb E": "기댓값", "mathcal N": "정규분포"})
BIG = MappingProxyType({"sum": "합", "prod": "곱"})
_OPENERS = frozenset({"", "=", ",", "(", "[", "{", "\\left", "\\quad", "\\sim", "\\leftarrow"})
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[A-Za-z]+|[0-9.]+|\S")


class _Reader:
    """A recursive reader over LaTeX tokens that returns Korean words."""

    def __init__(self, latex: str) -> None:
        self.tokens = _TOKEN.findall(latex)
        self.pos = 0

    def peek(self) -> str:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ""

    def next(self) -> str:
        tok = self.peek()
        self.pos += 1
        return tok

    def sequence(self, stop: str = "") -> list[str]:
        """Read tokens until `stop` (consumed) or the end."""
        words: list[str] = []
        last = ""
        while self.pos < len(self.tokens) and self.peek() != stop:
            tok = self.peek()
            if tok == "(" and last == ")":
                words.append("곱하기")  # (a)(b): read the product
            if tok == "-" and last in _OPENERS:
                self.next()
                words.append("마이너스")  # unary minus
                continue
            if tok not in SILENT and tok.lstrip("\\") not in SILENT:
                last = tok
            words += self.scripts(self.atom())
        self.next()
        return words

    def group(self) -> list[str]:
        """Read one argument: a {group} or a single token."""
        if self.peek() == "{":
            self.next()
            return self.sequence("}")
        return self.atom()

    def scripts(self, base: list[str]) -> list[str]:
        """Read the sub- and superscripts after `base`."""
        words = list(base)
        while self.peek() in ("_", "^"):
            mark = self.next()
            index = self.tokens[self.pos:self.pos + 2] == ["{", "("]  # h^{(l)}: a layer index, not a power
            arg = self.group()
            words += arg if mark == "_" else ["위첨자", *arg] if index else _power(arg)
        return words

    def atom(self) -> list[str]:
        """Read one token and its arguments."""
        tok = self.next()
        if tok == "{":
            return self.sequence("}")
        if not tok.startswith("\\") or (len(tok) == 2 and not tok[1].isalpha()):
            return _symbol(tok)
        return self.command(tok[1:])

    def command(self, name: str) -> list[str]:
        """Read a command (without its backslash) and its arguments."""
        if name in ("frac", "dfrac", "tfrac"):
            return _fraction(self.group(), self.group())
        if name == "sqrt":
            return ["루트", *self.group()]
        if name in BIG or name in ("max", "min"):
            return self.big(name)
        if name in ACCENTS:
            return [*self.group(), ACCENTS[name]]
        if name in BEFORE:
            return [BEFORE[name], *self.group()]
        if name in FONTS:
            return ["".join(self.group())]
        if name in ("mathbb", "mathcal"):
            arg = "".join(self.group())
            return [NAMED.get(f"{name} {arg}", arg)]
        if name in SILENT:
            return []
        return [GREEK.get(name) or WORDS.get(name) or name]

    def big(self, name: str) -> list[str]:
        """Read a sum, product, max or min with its limits: "i 는 1 부터 m 까지 합"."""
        low = high = None
        while self.peek() in ("_", "^"):
            mark, arg = self.next(), self.group()
            low, high = (arg, high) if mark == "_" else (low, arg)
        word = BIG.get(name) or WORDS[name]
        if low and high:
            return [*low, "부터", *high, "까지", word]
        return [*low, "에 대한", word] if low else [word]


def _symbol(tok: str) -> list[str]:
    if tok.startswith("\\"):
        word = WORDS.get(tok[1:], "")
        return [word] if word else []
    if tok in "()[]":
        return []
    return [SYMBOLS.get(tok, tok)]


def _power(arg: list[str]) -> list[str]:
    """Read a superscript: x², x 프라임, W 전치, e 의 x 제곱."""
    if arg in (["2"], ["제곱"]):
        return ["제곱"]
    if arg == ["T"]:
        return ["전치"]
    if arg == ["더하기"]:
        return ["플러스"]
    if len(arg) == 1 and arg[0].isascii() and arg[0].isupper():
        return ["위첨자", *arg]  # W^O, W_i^Q: a name, not a power
    if arg == ["합성곱"]:  # D^{*}: a star, not a convolution
        return ["스타"]
    if arg and all(w in ("프라임", "전치") for w in arg):
        return arg
    return ["의", *arg, "제곱"]


def _fraction(num: list[str], den: list[str]) -> list[str]:
    """Read a fraction the Korean way (denominator first), or a partial derivative as "L 을 W 로 편미분"."""
    if num[:1] == ["∂"] and den[:1] == ["∂"]:
        return [*num[1:], "을", *den[1:], "로 편미분"]
    if len(den) == 1:
        return [f"{den[0]}분의", *num]
    return [*den, "분의", *num]


def speak(latex: str) -> str:
    """Return a Korean spoken form of `latex`: words and plain symbols, no backslash, no brace."""
    words = _Reader(latex).sequence()
    text = " ".join(w for w in words if w)
    text = re.sub(r"\s+,", ",", text)
    text = re.sub(r",(\s*,)+", ",", text)
    return re.sub(r"\s+", " ", text).strip(" ,")
