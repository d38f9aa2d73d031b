"""Hand-made sections of every plot kind, shaped like the analyses' (for the outputs' tests).

The figures are invented for the tests; every person and team is fictional. Suppressed
figures are empty (NaN/None) or a text, as a protected frame may hold them.
"""

from __future__ import annotations

import math

import pandas as pd

from msp_learn.reports import Plot, Section

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+cmd|' /C calc'!A0", "@SUM(1)",
           "-2+3", "<script>alert(1)</script>", "\tTabbed", "\rCarriage"]


def sections() -> list[Section]:
    completion = pd.DataFrame({
        "Team": ["Adult Social Care North", "Adult Social Care South", "Hospital Discharge",
                 "Learning Disability Team", "Mental Health Liaison"],
        "Learners": [24, 31, 12, 9, 4],
        "Completed (%)": [87.5, 64.5, 75.0, 55.6, math.nan],
    })
    by_role = pd.DataFrame({
        "Role": ["Social worker", "Occupational therapist", "Care coordinator",
                 "Team manager", "Safeguarding adults manager"],
        "Completed": [41, 12, 20, 6, None],
    })
    status = pd.DataFrame({
        "Assignment": ["Week 1: the six principles", "Week 2: Mental Capacity Act",
                       "Week 3: case study", "Week 4: risk enablement"],
        "Completed": [60, 48, 40, math.nan],
        "In progress": [12, 16, 18, math.nan],
        "Not started": [8, 16, 22, math.nan],
    })
    myths = pd.DataFrame({
        "Team": ["North", "North", "North", "South", "South", "South", "Hospital", "Hospital",
                 "Hospital"],
        "Myth": ["Consent is not needed", "MSP only applies at the end",
                 "Capacity is all or nothing"] * 3,
        "Believed (%)": [12.5, 30.0, 45.8, 9.7, 22.6, 51.6, math.nan, math.nan, math.nan],
    })
    paths = pd.DataFrame({
        "node": ["first-visit", "first-visit", "first-visit", "ask-what-matters",
                 "ask-what-matters", "make-referral", "make-referral"],
        "choice": ["Ask Mrs Khan what matters to her", "Make a referral at once",
                   "Close the concern", "Agree a plan with her", "Involve her son",
                   "Tell her afterwards", "Ask her first"],
        "next": ["ask-what-matters", "make-referral", "closed-without-contact",
                 "outcome-agreed", "family-decides", "outcome-imposed", "ask-what-matters"],
        "count": [38, 15, 3, 30, 8, 9, math.nan],
    })
    items = pd.DataFrame({
        "Item": ["q1", "q2", "q3", "q4", "q5", "q6"],
        "Question": ["What does MSP stand for?", HOSTILE[0], HOSTILE[1], HOSTILE[2],
                     HOSTILE[3], HOSTILE[4]],
        "Facility": [0.92, 0.71, 0.55, 0.38, 0.81, 0.66],
        "Discrimination": [0.12, 0.41, 0.36, -0.05, 0.28, 0.33],
        "Answers": [80, 80, 79, 80, 78, 80],
        "Last answered": pd.to_datetime(["2026-11-02", "2026-11-03", "2026-11-03",
                                         "2026-11-04", "2026-11-05", "2026-11-05"]),
    })
    reflections = pd.DataFrame({
        "Team": ["North", "South", "Hospital"],
        "Reflection (sample)": [HOSTILE[5], HOSTILE[6], "I learned to ask first. \u202eevil"],
        "Reflections": [14, 22, 3],
    })
    return [
        Section("completion-by-team", "Completion by team",
                "The share of each team's learners who completed every assignment.",
                completion, Plot("bar", "Completion by team (%)",
                                 "Adult Social Care North completed most (87.5%); Learning "
                                 "Disability Team least (55.6%). Mental Health Liaison is not "
                                 "shown (fewer than 5 learners).", x="Team", y="Completed (%)",
                                 unit="%"),
                notes=("1 team has fewer than 5 learners: its figures are not shown.",),
                group="Completion"),
        Section("completion-by-role", "Completion by role",
                "Learners who completed every assignment, by role.", by_role,
                Plot("hbar", "Learners who completed, by role", "Social workers completed "
                     "most (41).", x="Role", y="Completed", unit="learners"),
                group="Completion"),
        Section("status-by-assignment", "Where each assignment stands",
                "Learners who completed, started or not started each assignment.", status,
                Plot("stacked", "Assignment status", "Week 1 has the most completions (60).",
                     x="Assignment", series=("Completed", "In progress", "Not started"),
                     unit="learners"),
                notes=("Week 4 is not shown: fewer than 5 learners were set it.",),
                group="Completion"),
        Section("myths-by-team", "Myths believed, by team",
                "The share of each team who answered that a myth was true.", myths,
                Plot("heatmap", "Myths believed by team (%)", "Capacity is all or nothing "
                     "is the myth most believed in every team shown.", x="Team", y="Myth",
                     value="Believed (%)", unit="%"),
                group="Myths"),
        Section("paths-mrs-khan", "Mrs Khan's finances: the paths taken",
                "How often each choice was taken at each step of the case study.", paths,
                Plot("paths", "Paths through Mrs Khan's finances", "Most learners (38) asked "
                     "Mrs Khan what matters to her first.", x="node"),
                group="Case studies"),
        Section("item-analysis", "Item analysis: the myths quiz",
                "Facility (share correct) and discrimination of each question, first "
                "attempts only.", items, None, group="Items"),
        Section("reflections-by-team", "Reflections by team", "How many reflections each "
                "team saved.", reflections,
                Plot("bar", "Reflections saved", "South saved most (22).", x="Team",
                     y="Reflections", unit="reflections"), group="Reflection"),
    ]
