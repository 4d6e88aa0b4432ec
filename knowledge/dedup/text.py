"""Question text normalisation for dedup: canonical form, main clause, synonyms, topic words."""

from __future__ import annotations

import re
from functools import lru_cache

# Spelling variants and synonyms folded before anything else (applied in order).
_SYNONYMS: tuple[tuple[str, str], ...] = (
    (r"\bconvolution(?:al)? neural networks?\s*(?:\(cnns?\))?", "cnn"),
    (r"\bcnns?\s+(?:models?|architectures?|networks?)\b", "cnn"),
    (r"\bcnns\b", "cnn"),
    (r"\bconvnets?\b", "cnn"),
    (r"\bartificial neural networks?\s*(?:\(anns?\))?", "mlp"),
    (r"\bmulti-?layer perceptrons?\s*(?:\(mlps?\))?", "mlp"),
    (r"\bu-net\b", "unet"),
    (r"\bresidual networks?\s*(?:\(resnets?\))?", "resnet"),
    (r"\b(?:residual|shortcut) connections?\b", "skip connection"),
    (r"\bparameter sharing\b", "weight sharing"),
    (r"\bimage augmentation\b", "data augmentation"),
    (r"\bmodel distillation\b", "knowledge distillation"),
    (r"\bmodel quantization\b", "quantization"),
    (r"\bfeature mapping\b", "feature map"),
    (r"\bextract(?:s|ing)? features\b", "feature extraction"),
    (r"\bconvolution operation\b", "convolution"),
    (r"\blayer norm(?:alization)?\b", "layernorm"),
    (r"\bconvolution layers?\b", "convolutional layer"),
    (r"\bfully[- ]connected\b", "fully connected"),
    (r"\bdense layers?\b", "fully connected layer"),
    (r"\brelu (?:activation )?(?:function|layer)s?\b", "relu"),
    (r"\bpre-?trained\b", "pretrained"),
    (r"\b(?:prevent|avoid|reduce|deal with|handle|combat|tackle)s? overfitting\b", "overfitting"),
    (r"\badversarial (?:examples?|attacks?)\b", "adversarial example"),
    (r"\bobject segmentation\b", "segmentation"),
)
_SYNONYM_RES = tuple((re.compile(p), r) for p, r in _SYNONYMS)

# Domain filler: words that say how a question is asked, not what it is about.
_FILLER_PHRASES = re.compile(
    r"\b(?:can you|could you|please|what is meant by|what do you mean by|meant by|in term of|"
    r"in terms of|in the context of|the concept of|the process of|the mechanism behind|"
    r"the principle of|the terms?|how does it work|how do they work)\b"
)
_CONTEXT = re.compile(
    r"\b(?:in|of|for|from|during|with|within|by|on|into|inside|behind)\s+(?:an?\s+|the\s+)?"
    r"(?:cnn(?: training| context| architecture| model| layer)?s?|convolutional layers?|"
    r"deep learning|training(?: cnn)?|an? image|images|neural networks?)\b"
)
_STOP = frozenset(
    """a an the is are was were be been do does did can could would should will shall may might
    what which who whom whose why how when where whether of in on to for from by with within into
    and or but if then than that this these those it its their they them there here as at about
    you your we our us one some any such very also more most much many via explain describe
    discuss concept concepts meant mean term terms process mechanism principle overview role
    purpose significance significant importance important advantage advantages benefit benefits
    application applications type types kind kinds different various common commonly popular
    use used using uses useful work works working list define definition typical typically
    offer help helps need key main primary basic vs versus like architecture algorithm performance
    evaluate evaluating evaluation layer challenge challenges drawback drawbacks limitation
    limitations disadvantage disadvantages problem problems issue issues case cases apply applied
    employ employed alongside together combine combined effect impact difference differences
    between differ differs compare comparison over choose implication implications vice versa
    give""".split()
)
TOKEN = re.compile(r"[a-z0-9]+(?:[-+][a-z0-9]+)*")


def canonical_form(text: str) -> str:
    """Lower-cased text with punctuation collapsed: identical for trivially different copies."""
    return " ".join(TOKEN.findall(text.lower()))


def main_clause(text: str) -> str:
    """The first question of a compound one ("What is X, and how does it ...?" -> "What is X")."""
    out = text.strip()
    out = re.split(r"\?\s+\S|\.\s+[A-Z]", out, maxsplit=1)[0]
    out = re.split(
        r",\s*and\b|,\s*(?:how|what|why|which|including)\b|\s+and\s+(?:its|their|how|what|why|for|where|"
        r"when|the (?:problems?|benefits?|advantages?)|to)\b|\s+(?:like|such as|e\.g\.)\s",
        out,
        maxsplit=1,
        flags=re.IGNORECASE,
    )[0]
    return out.strip(" ?.:")


def _fold(text: str) -> str:
    out = text.lower().replace("’", "'").replace("“", '"').replace("”", '"')
    for pattern, repl in _SYNONYM_RES:
        out = pattern.sub(repl, out)
    return out


@lru_cache(maxsize=1 << 16)
def clause(text: str) -> str:
    """Folded main clause, shared by `intent_of` and `topic_of`."""
    return _fold(main_clause(text))


def _stem(token: str) -> str:
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is", "as")):
        return token[:-1]
    return token


def topic_of(text: str) -> str:
    """What a question is about: its main clause minus phrasing and domain filler."""
    words = _FILLER_PHRASES.sub(" ", clause(text))
    words = _CONTEXT.sub(" ", words)
    tokens = [t for t in TOKEN.findall(words) if t not in _STOP]
    kept = [s for s in map(_stem, tokens) if s not in _STOP]
    topical = [t for t in kept if t != "cnn"]
    return " ".join(topical or kept or tokens)
