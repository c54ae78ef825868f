"""The weights of the soft constraints, in penalty points per unit; the objective is their
weighted sum (lower is better).

Weights are per unit, in "penalty points":
- ``W_GAP`` per idle period in a teacher's day, between their first and last lesson of that day
  (slots where the teacher is unavailable, busy elsewhere, or the school is closed are not idle);
- ``W_CLASS_GAP`` per idle period in a class's day, between its first and last lesson (pupils
  waiting between lessons; not in the brief's list, added because timetables without it leave
  classes with holes of several periods; 0 turns it off);
- ``W_SPREAD`` per lesson of a teaching assignment beyond the first on the same day;
- ``W_LATE`` per period of a demanding subject taught at or after ``late_from``;
- ``W_AVOID`` per period taught in a slot the teacher would rather avoid;
- ``W_MOVE`` (repair mode only) per lesson placed elsewhere than its current placement (day,
  period, and room when it needs one); large, so that fewer moves always come first.
"""

W_GAP = 3
W_CLASS_GAP = 3
W_SPREAD = 10
W_LATE = 2
W_AVOID = 4
W_MOVE = 1000
