package dev.promptengine.deploy.demo;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Says in one line what a non-2xx answer meant: the RFC 9457 problem if there is one, else the body. */
final class HttpAnswers {

    static String describe(JsonMapper json, int status, String body) {
        String text = body == null ? "" : body.strip();
        try {
            JsonNode node = json.readTree(text);
            if (node != null && node.isObject()) {
                String title = node.path("title").asString(node.path("error").asString(""));
                String detail = node.path("detail").asString("");
                String path = node.path("path").asString(node.path("instance").asString(""));
                String described = String.join(
                                " ",
                                title,
                                detail.isEmpty() ? "" : "- " + detail,
                                path.isEmpty() ? "" : "(" + path + ")")
                        .replaceAll(" +", " ")
                        .strip();
                if (!described.isEmpty()) {
                    return status + " " + described + fieldErrors(node.path("errors"));
                }
            }
        } catch (JacksonException notJson) {
            // fall through to the raw body
        }
        return status + " " + (text.length() > 200 ? text.substring(0, 200) + "..." : text);
    }

    /** The first few of a validation problem's {@code errors: [{field, reason}]}. */
    private static String fieldErrors(JsonNode errors) {
        if (!errors.isArray() || errors.isEmpty()) {
            return "";
        }
        var listed = new StringBuilder();
        int shown = Math.min(5, errors.size());
        for (int i = 0; i < shown; i++) {
            JsonNode error = errors.get(i);
            listed.append("\n      ")
                    .append(error.path("field").asString("?"))
                    .append(": ")
                    .append(error.path("reason").asString(error.toString()));
        }
        if (errors.size() > shown) {
            listed.append("\n      ... and ").append(errors.size() - shown).append(" more");
        }
        return listed.toString();
    }

    static boolean successful(int status) {
        return status >= 200 && status < 300;
    }

    private HttpAnswers() {}
}
