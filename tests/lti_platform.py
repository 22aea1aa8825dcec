"""An LMS for the LTI tests: lti1p3platform's real platform implementation (OIDC
authorization, signed launches, deep linking responses, access tokens, Names and Role
Provisioning, Assignment and Grade Services), served beside the tool by the live server under
/platform/. Its keys are made when a test starts; what it received (deep-linked items, line
items, scores) is kept on the Platform object for the test to read.

A launch: `platform.login_url(person, ...)` is the address the LMS would send the browser to
(the tool's login initiation, with a message hint naming the launch to make); the tool
redirects to /platform/auth/, which answers with the auto-posting launch form.
"""

import itertools
import re
from dataclasses import dataclass, field
from html import escape, unescape
from urllib.parse import urlsplit

from csp.decorators import csp_exempt
from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from jwcrypto.jwk import JWK
from lti1p3platform.framework.django.message_launch import DjangoLTI1P3MessageLaunch
from lti1p3platform.framework.django.oidc_login import DjangoAPIOIDCLogin
from lti1p3platform.framework.django.request import DjangoRequest
from lti1p3platform.framework.django.response import wrap_json_resp
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.registration import Registration
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import AssignmentsGradesService, NamesRoleProvisioningService

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
TEACHING_ASSISTANT = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"

current = None  # the Platform of the running test (the views below serve it)


@dataclass
class Person:
    sub: str
    name: str
    email: str
    roles: list

    def member(self, status="Active"):
        return {"user_id": self.sub, "name": self.name, "email": self.email, "roles": self.roles, "status": status}


@dataclass
class Course:
    id: str
    title: str
    people: list = field(default_factory=list)  # Person, as NRPS lists them
    dropped: set = field(default_factory=set)  # subs listed with status Deleted


class Platform:
    def __init__(self, base_url: str):
        key = JWK.generate(kty="RSA", size=2048)
        self.private_key = key.export_to_pem(private_key=True, password=None).decode()
        self.public_key = key.export_to_pem().decode()
        self.base = base_url.rstrip("/")
        self.issuer = "https://lms.example.edu"
        self.client_id = "marginalia-tool"
        self.deployment_id = "deployment-1"
        self.pending = {}  # message hint -> the launch to make
        self.courses = {}
        self.lineitems = {}  # url -> line item as the tool asked for it (plus id, resourceLinkId)
        self.scores = {}  # line item url -> {user_id: score as received}
        self.deep_linked = []  # content items received
        self.score_outage = False  # the score endpoint answers 503
        self._ids = itertools.count(1)

    # --- what the tool is told at registration ----------------------------------------------
    def url(self, path):
        return f"{self.base}/platform/{path}"

    def registration(self) -> Registration:
        return (
            Registration()
            .set_iss(self.issuer)
            .set_client_id(self.client_id)
            .set_deployment_id(self.deployment_id)
            .set_oidc_login_url(f"{self.base}/lti/login/")
            .set_launch_url(f"{self.base}/lti/launch/")
            .set_deeplink_launch_url(f"{self.base}/lti/launch/")
            .set_platform_public_key(self.public_key)
            .set_platform_private_key(self.private_key)
            .set_tool_key_set_url(f"{self.base}/lti/jwks/")
        )

    def config(self):
        return PlatformConfig(platform=self)

    # --- the LMS's side of a launch ----------------------------------------------------------
    def course(self, course_id, title, people=()):
        course = self.courses.setdefault(course_id, Course(course_id, title))
        for person in people:
            if person not in course.people:
                course.people.append(person)
        return course

    def login_url(self, person, course=None, *, resource_link="link-1", message="resource", custom=None,
                  overrides=None, expires_in=300, lineitem=None, for_user=None):
        """The tool's login initiation address for one launch (what the LMS's link points to)."""
        hint = f"hint-{next(self._ids)}"
        self.pending[hint] = {
            "person": person, "course": course, "resource_link": resource_link, "message": message,
            "custom": custom or {}, "overrides": overrides or {}, "expires_in": expires_in,
            "lineitem": lineitem, "for_user": for_user,
        }
        login = PlatformLogin(None, self.config())
        login.set_lti_message_hint(hint=hint)
        if message == "deep_linking":
            login.set_deeplinking_launch_url()
        return login.prepare_preflight_url(person.sub)

    def lineitem_for(self, resource_link_id):
        found = (url for url, item in self.lineitems.items() if item.get("resourceLinkId") == resource_link_id)
        return next(found, None)

    def received(self, lineitem_url):
        return self.scores.get(lineitem_url, {})


class PlatformConfig(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, platform):
        self.platform = platform

    def get_registration_by_params(self, **kwargs):
        return self.platform.registration()


class PlatformLogin(DjangoAPIOIDCLogin):
    def set_lti_message_hint(self, **kwargs):
        self._lti_message_hint = kwargs["hint"]


# --- the platform's endpoints -----------------------------------------------------------------


@xframe_options_exempt
@csp_exempt()
def authorize(request):
    """OIDC authorization: answers the tool's redirect with the signed launch, auto-posted."""
    platform = current
    spec = platform.pending[request.GET["lti_message_hint"]]
    person, course = spec["person"], spec["course"]
    config = platform.config()
    config.get_registration()
    launch = DjangoLTI1P3MessageLaunch(DjangoRequest(request), config)
    launch.set_user_data(person.sub, person.roles, full_name=person.name, email_address=person.email)
    if course is not None:
        launch.set_launch_context_claim(course.id, context_title=course.title, context_label=course.id.upper())
        launch.set_nrps(platform.url(f"contexts/{course.id}/memberships"))
        launch.set_ags(
            platform.url(f"contexts/{course.id}/lineitems"),
            lineitem_url=spec["lineitem"] or platform.lineitem_for(spec["resource_link"]),
        )
    if spec["message"] == "deep_linking":
        launch.set_dl(platform.url("deep_link_return/"), title="Add a reading")
    else:
        launch.set_resource_link_claim(spec["resource_link"], title="Reading")
    if spec["message"] == "submission_review":
        launch.set_extra_claims({
            CLAIM + "message_type": "LtiSubmissionReviewRequest",
            CLAIM + "for_user": {"user_id": spec["for_user"].sub},
        })
    if spec["custom"]:
        launch.set_custom_parameters_claim(spec["custom"])
    launch.set_launch_presentation_claim(document_target="iframe")
    launch.set_extra_claims(spec["overrides"])
    launch.set_id_token_expiration(spec["expires_in"])
    return launch.lti_launch()


@csrf_exempt
def token(request):
    config = current.config()
    config.get_registration()
    return JsonResponse(config.get_access_token(request.POST.dict()))


def jwks(request):
    config = current.config()
    config.get_registration()
    return JsonResponse(config.get_jwks())


@csrf_exempt
@xframe_options_exempt
@csp_exempt()
def deep_link_return(request):
    """The LMS receives the picked items: a resource link each, and a gradebook column for
    each that asks for one."""
    config = current.config()
    config.get_registration()
    items = config.validate_deeplinking_resp({"JWT": request.POST["JWT"]})
    for item in items:
        current.deep_linked.append(item)
        if item.get("lineItem"):
            url = current.url(f"lineitems/{next(current._ids)}")
            link = f"link-{len(current.deep_linked)}"  # the resource link id the LMS gives the placed item
            current.lineitems[url] = {**item["lineItem"], "id": url, "resourceLinkId": link}
    return HttpResponse("<!doctype html><title>LMS</title><p>Added to the course.</p>")


@csp_exempt()
def course_page(request, course_id):
    """The LMS's page of a course, with the tool framed in it as an LMS shows a placed link."""
    hint_url = request.GET["launch"]
    return HttpResponse(
        "<!doctype html><html lang=en><title>LMS course</title><h1>LMS: " + current.courses[course_id].title +
        f'</h1><iframe title="Marginalia" src="{escape(hint_url)}" width="1000" height="700"></iframe>'
    )


class Roster(NamesRoleProvisioningService):
    def __init__(self, request, config, course):
        super().__init__(request, config, current.url(f"contexts/{course.id}/memberships"))
        self.course = course

    def get_context_by_id(self):
        return Context(id=self.course.id, label=self.course.id.upper(), title=self.course.title)

    def get_member_data_page(self, **kwargs):
        members = [
            person.member("Deleted" if person.sub in self.course.dropped else "Active") for person in self.course.people
        ]
        return {"content": members, "has_next": False}


def memberships(request, course_id):
    if course_id not in current.courses:
        return JsonResponse({"error": "No such course"}, status=404)
    config = current.config()
    config.get_registration()
    service = Roster(DjangoRequest(request), config, current.courses[course_id])
    return wrap_json_resp(service.handle_resp(service.handle_get_members))


class Gradebook(AssignmentsGradesService):
    def find_lineitems(self, page=1, limit=None, line_item_id=None, resource_link_id=None, resource_id=None, tag=None):
        items = [item for item in current.lineitems.values() if resource_id in (None, item.get("resourceId"))]
        return {"content": items, "has_next": False}

    def find_lineitem(self, line_item_id):
        return current.lineitems[line_item_id]

    def create_lineitem(self, creation_data):
        url = current.url(f"lineitems/{next(current._ids)}")
        current.lineitems[url] = {**creation_data, "id": url}
        return current.lineitems[url]

    def update_lineitem(self, update_data):
        current.lineitems[update_data["id"]].update(update_data)
        return current.lineitems[update_data["id"]]

    def delete_lineitem(self, line_item_id):
        current.lineitems.pop(line_item_id)

    def update_score(self, line_item_id, score):
        current.scores.setdefault(line_item_id, {})[score["userId"]] = score
        return UpdateScoreStatus.SUCCESS

    def get_results(self, line_item_id, page=1, limit=None, user_id=None):
        return {"content": [], "has_next": False}


def _gradebook(request, course_id=None, lineitem_url=None):
    config = current.config()
    config.get_registration()
    return Gradebook(DjangoRequest(request), config, current.url("lineitems"), lineitem_url)


@csrf_exempt
def lineitems(request, course_id):
    service = _gradebook(request, course_id)
    handler = service.handle_create_lineitem if request.method == "POST" else service.handle_get_lineitems
    return wrap_json_resp(service.handle_resp(handler))


@csrf_exempt
def lineitem_scores(request, number):
    if current.score_outage:
        return JsonResponse({"error": "The gradebook is down for maintenance"}, status=503)
    url = current.url(f"lineitems/{number}")
    service = _gradebook(request, lineitem_url=url)
    return wrap_json_resp(service.handle_resp(service.handle_update_score, line_item_id=url))


urlpatterns = [
    path("auth/", authorize),
    path("courses/<str:course_id>/", course_page),
    path("token/", token),
    path("jwks/", jwks),
    path("deep_link_return/", deep_link_return),
    path("contexts/<str:course_id>/memberships/", memberships),
    path("contexts/<str:course_id>/lineitems/", lineitems),
    path("lineitems/<int:number>/scores", lineitem_scores),
]


def with_platform(tool_urlpatterns):
    return [path("platform/", include(urlpatterns)), *tool_urlpatterns]


# --- the browser's part, for the test client -----------------------------------------------


def path_of(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def launch_form(html: str) -> tuple[str, dict]:
    """The auto-posting form of a launch page (the platform's, or the tool's deep-link answer):
    the page's form that carries hidden fields."""
    for action, body in re.findall(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', html, re.S):
        fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body)
        if fields and not any(name == "csrfmiddlewaretoken" for name, _ in fields):
            return unescape(action), {name: unescape(value) for name, value in fields}
    raise AssertionError("no launch form on the page")
