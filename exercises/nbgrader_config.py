# nbgrader configuration of the 客服礼仪 course.
#
# Copy the whole exercises/ folder to start a course of your own: nothing in
# here is an absolute path.  Run nbgrader from inside the folder
# (`cd exercises && nbgrader generate_assignment ch1_telephone`), or use
# `python -m autograder grade --course exercises`.
import os

c = get_config()  # noqa: F821 (provided by nbgrader)
here = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "kefu-etiquette"
c.CourseDirectory.root = here

# nbgrader shells out to `alembic`; find it next to this Python even when the
# virtual environment is not activated.
from autograder.grading.coursedir import ensure_scripts_on_path  # noqa: E402

ensure_scripts_on_path()

# Answer cells keep the `第N题 = ""` line; the solution below it disappears.
c.ClearSolutions.code_stub = {"python": ""}
c.ClearSolutions.text_stub = "（请在这里作答：双击本格即可编辑，写完按 Shift+Enter。）"
# Short-answer rubrics sit in the locked question cells (graders see them in
# formgrader, release and feedback drop them).
c.ClearMarkScheme.enforce_metadata = False

# Kernel-free autograding: answers are read from the notebook as data and
# scored by the bank's rules; no student code runs.  Set AUTOGRADER_EXECUTE=1
# to grade with nbgrader's stock kernel execution instead (same scores on
# honest submissions; needed only for code questions you add yourself).
# Kernel mode runs the students' code with YOUR rights (it can read and write
# your files and the gradebook): use it only inside a sandbox.  Even there,
# questions from the bank are re-scored from the notebook file, outside the
# kernel (RescoreKitQuestions), so student code cannot change their scores.
# SanitizeStudentHtml comes last in both modes: formgrader and feedback render
# what students wrote, and it must not reach the page as live HTML.
c.OverwriteCells.add_missing_cells = True
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "autograder.preprocessors.DropEmptyMetadata",  # nbgrader 0.9.6 crashes on duplicated cells otherwise
    "nbgrader.preprocessors.OverwriteKernelspec",
    "autograder.preprocessors.SharedOverwriteCells",  # OverwriteCells that survives another assignment's notebook
    "nbgrader.preprocessors.CheckCellMetadata",
]
if os.environ.get("AUTOGRADER_EXECUTE") != "1":
    _grade = ["autograder.preprocessors.KernelFreeGrade"]
else:
    _grade = ["nbgrader.preprocessors.Execute", "autograder.preprocessors.RescoreKitQuestions"]
    c.ExecutePreprocessor.timeout = 30
c.Autograde.autograde_preprocessors = _grade + [
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
    "autograder.preprocessors.SanitizeStudentHtml",
]

# Feedback never shows test code or rubrics.  Whether it shows each question's
# key and explanation is up to you (off by default).
c.GenerateFeedback.preprocessors = [
    "autograder.preprocessors.FeedbackQuestions",  # 第N题（单选题）, score or 待评分; warns of ungraded questions
    "autograder.preprocessors.FeedbackAnswers",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "autograder.preprocessors.SanitizeStudentHtml",  # after GetGrades: comments too
]
c.FeedbackAnswers.show_key = False
# The feedback page in Chinese (nbgrader's own template is English).
c.GenerateFeedback.exporter_class = "autograder.grading.feedbackexporter.FeedbackExporter"

# Once students have submitted, an assignment's questions stay as they are:
# nbgrader would delete release/<a> before finding out it cannot add or remove
# cells; this exporter checks first and stops with a message instead.
c.GenerateAssignment.exporter_class = "autograder.grading.structure.GuardedGenerateExporter"

# Release feedback student by student: a submission placed by hand in
# submitted/ has no exchange secret; it is skipped and listed instead of
# stopping the whole class (nbgrader 0.9.6 stops at the first one).
c.ExchangeFactory.release_feedback = "autograder.classroom.releasefeedback.SafeReleaseFeedback"
