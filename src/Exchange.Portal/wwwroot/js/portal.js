// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
    // The sign-out hand-over to Identity: submit at once instead of waiting for a click.
    var form = document.querySelector("form[data-autosubmit]");
    if (form) {
        form.submit();
    }
});
