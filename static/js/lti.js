// LTI pages (templates/lti/). The cookie check: inside an LMS's frame a browser may refuse this
// site cookies; test one, go on if it sticks, otherwise show the "new window" link.
// The deep-linking answer: post it back to the LMS at once (the button is there without JS).
(function () {
  var check = document.querySelector("[data-lti-cookie-check]");
  if (check) {
    var secure = location.protocol === "https:";
    document.cookie = "lti_cookie_check=1; path=/" + (secure ? "; SameSite=None; Secure" : "; SameSite=Lax");
    if (document.cookie.indexOf("lti_cookie_check=1") !== -1) {
      document.cookie = "lti_cookie_check=; path=/; max-age=0" + (secure ? "; SameSite=None; Secure" : "");
      location.replace(check.dataset.continue);
    } else {
      check.querySelector("[data-lti-opening]").hidden = true;
      check.querySelector("[data-lti-blocked]").hidden = false;
    }
  }
  var answer = document.querySelector("form[data-lti-autosubmit]");
  if (answer) answer.submit();
})();
