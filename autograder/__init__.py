"""The grading side of the course: an nbgrader course from exercises/source, parallel and
sandboxed autograding, self-grading for learners, feedback without hidden tests.

Commands: `python -m autograder {init,autograde,selfgrade}` (see __main__.py).
"""
