package dev.promptengine.ingest.otlp;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * OTLP/HTTP's messages in both encodings: the request read, the response and the error status
 * written. The JSON encoding is protobuf's JSON mapping with one difference the OTLP spec makes:
 * trace and span ids are hex, not base64, so they are rewritten before protobuf's parser reads them.
 */
public final class OtlpMessages {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final List<String> ID_FIELDS =
            List.of("traceId", "trace_id", "spanId", "span_id", "parentSpanId", "parent_span_id");

    /** The request the body holds; {@link MalformedOtlpException} naming what is wrong otherwise. */
    public static ExportTraceServiceRequest request(byte[] body, OtlpEncoding encoding) {
        try {
            return switch (encoding) {
                case PROTOBUF -> ExportTraceServiceRequest.parseFrom(body);
                case JSON -> fromJson(body);
            };
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedOtlpException("The body is not an OTLP ExportTraceServiceRequest in "
                    + encoding.mediaType() + ": " + e.getMessage());
        }
    }

    private static ExportTraceServiceRequest fromJson(byte[] body) throws InvalidProtocolBufferException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new MalformedOtlpException("The body is not valid JSON: " + e.getOriginalMessage());
        }
        if (!(root instanceof ObjectNode)) {
            throw new MalformedOtlpException("The body must be a JSON object (an ExportTraceServiceRequest)");
        }
        for (JsonNode resourceSpans : elements(root, "resourceSpans", "resource_spans")) {
            for (JsonNode scopeSpans : elements(resourceSpans, "scopeSpans", "scope_spans")) {
                for (JsonNode span : elements(scopeSpans, "spans", "spans")) {
                    hexIdsToBase64(span);
                    for (JsonNode link : elements(span, "links", "links")) {
                        hexIdsToBase64(link);
                    }
                }
            }
        }
        var request = ExportTraceServiceRequest.newBuilder();
        PARSER.merge(JSON.writeValueAsString(root), request);
        return request.build();
    }

    private static Iterable<JsonNode> elements(JsonNode parent, String name, String alternative) {
        JsonNode node = parent.has(name) ? parent.get(name) : parent.get(alternative);
        return node != null && node.isArray() ? node : List.of();
    }

    private static void hexIdsToBase64(JsonNode node) {
        if (!(node instanceof ObjectNode object)) {
            return;
        }
        for (String field : ID_FIELDS) {
            JsonNode value = object.get(field);
            if (value != null && value.isString()) {
                try {
                    byte[] id = HexFormat.of().parseHex(value.stringValue());
                    object.put(field, Base64.getEncoder().encodeToString(id));
                } catch (IllegalArgumentException e) {
                    throw new MalformedOtlpException(
                            field + " must be hex-encoded (OTLP/JSON), not '" + abbreviated(value.stringValue()) + "'");
                }
            }
        }
    }

    /** The success answer; {@code warning} (or null) tells the exporter what was left out without rejecting it. */
    public static byte[] response(OtlpEncoding encoding, String warning) {
        var response = ExportTraceServiceResponse.newBuilder();
        if (warning != null) {
            response.setPartialSuccess(
                    ExportTracePartialSuccess.newBuilder().setRejectedSpans(0).setErrorMessage(warning));
        }
        return switch (encoding) {
            case PROTOBUF -> response.build().toByteArray();
            case JSON -> json(response.build());
        };
    }

    /**
     * The body OTLP/HTTP requires on every 4xx and 5xx: a {@code google.rpc.Status}. Written by hand,
     * it has two fields here, rather than adding Google's common protos for one message.
     */
    public static byte[] status(OtlpEncoding encoding, int code, String message) {
        if (encoding == OtlpEncoding.JSON) {
            ObjectNode status = JSON.createObjectNode();
            status.put("code", code);
            status.put("message", message);
            return JSON.writeValueAsBytes(status);
        }
        var bytes = new ByteArrayOutputStream();
        try {
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeInt32(1, code);
            out.writeString(2, message);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] json(com.google.protobuf.MessageOrBuilder message) {
        try {
            return PRINTER.print(message).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    static String abbreviated(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }

    private OtlpMessages() {}
}
