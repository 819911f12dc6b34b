"""Training on each home: the learner's courses and CPD, the trainer's courses, the work
waiting for a tutor — and the menu's Training and CPD entries."""

from __future__ import annotations

from django.utils import timezone

from tandem.core.tenancy import system_access
from tandem.training import learning
from tandem.training.models import Submission


def test_mentor_home_shows_their_course_and_cpd(cast, course_world, login):
    learning.enrol(cast.actor("mentor"), course_world.run)
    html = login(cast.mentor).get("/home/mentor/").content.decode()
    assert "Your training" in html
    assert course_world.course.title in html and "0 of 5 units completed" in html
    assert "CPD in " in html and "of 30 hours" in html
    assert 'href="/training/"' in html and 'href="/cpd/"' in html  # the menu


def test_mentee_without_a_course_is_pointed_to_the_catalogue(cast, login):
    html = login(cast.mentee).get("/home/mentee/").content.decode()
    assert "You are not on a course at the moment" in html


def test_trainer_home_lists_courses_and_tutor_home_the_work_waiting(cast, course_world, login):
    enrolment = learning.enrol(cast.actor("mentor"), course_world.run)
    html = login(cast.trainer).get("/home/trainer/").content.decode()
    assert "Courses you run" in html and course_world.course.title in html
    with system_access():
        Submission.objects.create(
            enrolment=enrolment,
            activity=course_world.assignment,
            text="My essay",
            submitted_at=timezone.now(),
        )
    html = login(cast.tutor).get("/home/tutor/").content.decode()
    assert "1 assignment waiting to be assessed" in html
    # The learner's line manager and other learners are not told about it.
    html = login(cast.line_manager).get("/home/line-manager/").content.decode()
    assert "waiting to be assessed" not in html
