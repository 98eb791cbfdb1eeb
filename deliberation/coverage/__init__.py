"""Coverage audit: is every opinion group heard on the slate of drafts, and is none amplified?

``audit_coverage`` looks at the drafts that are going before participants (the *slate*) and
answers three questions, in figures and in plain words:

1. **Is every group heard?** Each audience (``"group:<n>"`` opinion groups, and ``"topic:<n>"``
   topic audiences when topic drafts are on the slate) should have at least one draft that speaks
   for it. A group with none is ``"missing"``.
2. **Is any group amplified?** A group is ``"over"``-represented when it has *more drafts than its
   fair seats* **and** its share of the drafts is more than ``over_factor`` (``CoverageConfig``) times its
   share of the participants. See :func:`fair_seats` for the seats and the reasoning.
3. **Justified representation (JR / EJR)** on the approval data, checked with ``abcvoting``:
   is there a group of at least n/k participants (n voters, k drafts on the slate) who all approve
   the same left-out candidate while none of them approves any draft on the slate?

One person, one voice: every share is counted over *distinct participants*, never statements,
and a participant listed twice in a group counts once.

One module per part: :mod:`.models` (settings and results), :mod:`.slate` (the drafts and
audiences, read once; who approves what), :mod:`.checks` (one object per check on the audiences:
its rule, score and why side by side), :mod:`.jr` (JR/EJR), :mod:`.audit` (:func:`audit_coverage`:
the checks together, the verdict, the audiences to redraft).

Consensus drafts (``speaks_for="all"``) speak for everyone: they are reported but counted towards
no single group's share. Nothing here imports LangGraph or Streamlit; results are pydantic v2
models (``audit.model_dump_json()``).

References: Aziz, Brill, Conitzer, Elkind, Freeman, Walsh (2017) "Justified representation in
approval-based committee voting", Social Choice and Welfare 48(2); Brill & Peters (2023)
"Robust and verifiable proportionality axioms for multiwinner voting" (EJR+, which implies EJR);
abcvoting (Lackner, Regner, Krenn, Forster) ``abcvoting.properties``.
"""

from deliberation.coverage.audit import audit_coverage
from deliberation.coverage.checks import fair_seats
from deliberation.coverage.models import CoverageAudit, CoverageConfig, GroupCoverage, JRViolation
from deliberation.coverage.slate import draft_approvals, draft_key

__all__ = [
    "CoverageConfig",
    "GroupCoverage",
    "JRViolation",
    "CoverageAudit",
    "audit_coverage",
    "fair_seats",
    "draft_key",
    "draft_approvals",
]
