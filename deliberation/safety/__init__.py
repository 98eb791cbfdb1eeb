"""Safety of what participants write: personal data, abuse and instruction-like text.

Pure functions, no UI or graph imports; one module per concern:

* :mod:`.personal_data`: :func:`redact_personal_data` replaces e-mail addresses, phone numbers,
  street addresses and ID-like numbers with placeholders and reports each as a :class:`Finding`;
* :mod:`.abuse`: :func:`flag_abuse` scores abusive statements (a classifier for English, word
  lists for German and Chinese; languages from :mod:`deliberation.text`);
* :mod:`.instructions`: the one detector of instruction-like text (prompt injection),
  :func:`flag_instructions` and :func:`instruction_reasons` (also through obfuscation);
* :mod:`.intake`: :func:`moderate` combines the three into a status suggestion per statement
  for intake moderation; settings in :class:`ModerationConfig`.

The words the checks look for are per-language data files, ``data/<language>.toml``, read by
:mod:`.lexicon`; the modules keep the grammar that joins them.
"""

from deliberation.safety.abuse import AbuseFlag, flag_abuse
from deliberation.safety.config import ModerationConfig
from deliberation.safety.instructions import (
    flag_instructions,
    injection_start,
    instruction_reasons,
    strip_special_tokens,
)
from deliberation.safety.intake import ModerationResult, moderate
from deliberation.safety.personal_data import Finding, Redaction, redact_personal_data

__all__ = [
    "Finding",
    "Redaction",
    "AbuseFlag",
    "ModerationConfig",
    "ModerationResult",
    "redact_personal_data",
    "flag_abuse",
    "flag_instructions",
    "instruction_reasons",
    "injection_start",
    "strip_special_tokens",
    "moderate",
]
