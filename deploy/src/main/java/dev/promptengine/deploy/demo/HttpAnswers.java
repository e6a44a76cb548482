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
                    return status + " " + described;
                }
            }
        } catch (JacksonException notJson) {
            // fall through to the raw body
        }
        return status + " " + (text.length() > 200 ? text.substring(0, 200) + "..." : text);
    }

    static boolean successful(int status) {
        return status >= 200 && status < 300;
    }

    private HttpAnswers() {}
}
