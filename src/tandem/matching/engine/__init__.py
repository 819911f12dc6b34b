"""The matching engine: pure Python (numpy, OR-Tools), no Django imports.

- ``model``: the people, weights and constraints the engine works on.
- ``candidates``: hard constraints, the fallback ladder and exclusion reasons.
- ``scoring``: the named score parts and the weighted 0-100 score.
- ``solve``: the optimal cohort assignment (OR-Tools min-cost flow).
- ``exact``: an independent exact solver (SciPy) for cross-checking.
- ``greedy``: the greedy baseline.
- ``shortlist``: a ranked shortlist for one mentee.
- ``instance``: the explicit JSON instance format.
- ``cohort``: candidates + scores + solve + reasons for a whole cohort.
"""
