package dev.promptengine.ingest.intake;

import tools.jackson.databind.node.ObjectNode;

/**
 * A JSON object field as the client sent it, with its compact JSON text: written once for the size
 * limit and used again for the event when the privacy rules leave the object unchanged.
 */
record JsonObject(ObjectNode node, String json) {

    /** The text of {@code cleaned}, the privacy rules' version of this object (null stays null). */
    String jsonOf(ObjectNode cleaned) {
        if (cleaned == null) {
            return null;
        }
        return cleaned == node ? json : cleaned.toString();
    }
}
