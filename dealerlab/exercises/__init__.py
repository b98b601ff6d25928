"""Widget exercises with instant feedback and answers that are never lost (see README.md in this folder).

Importing this package creates no widget and reads no file.
"""

from dealerlab.exercises.exercise import Exercise
from dealerlab.exercises.feedback import Feedback, find_keywords, is_close, parse_number
from dealerlab.exercises.fields import (
    ChoiceField,
    ClassifyField,
    Field,
    NumberField,
    SliderField,
    TableField,
    TextField,
)
from dealerlab.exercises.store import AnswerStore

__all__ = [
    "Exercise",
    "Feedback",
    "Field",
    "NumberField",
    "ChoiceField",
    "ClassifyField",
    "TableField",
    "TextField",
    "SliderField",
    "AnswerStore",
    "is_close",
    "find_keywords",
    "parse_number",
]
