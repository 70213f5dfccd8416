package io.kizuna.common.error;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.JsonMappingException;

/** Turns every failure of a REST call into an RFC 9457 problem document; no stack trace leaves the server. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response apiException(ApiException exception, UriInfo uri) {
        Response response = respond(exception.code(), exception.getMessage(), uri, exception.violations());
        if (exception.code() == ErrorCode.UNAUTHENTICATED) {
            response.getHeaders().add("WWW-Authenticate", "Bearer realm=\"kizuna\"");
        }
        return response;
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException exception, UriInfo uri) {
        List<FieldViolation> violations = new ArrayList<>();
        for (ConstraintViolation<?> violation : exception.getConstraintViolations()) {
            violations.add(new FieldViolation(fieldName(violation.getPropertyPath()), violation.getMessage()));
        }
        violations.sort((a, b) -> a.field().compareTo(b.field()));
        return respond(ErrorCode.BAD_USER_INPUT, "The request has " + violations.size() + " invalid field(s)", uri, violations);
    }

    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException exception, UriInfo uri) {
        return unreadableJson(exception, uri);
    }

    @ServerExceptionMapper
    public Response unmappableJson(JsonMappingException exception, UriInfo uri) {
        return unreadableJson(exception, uri);
    }

    @ServerExceptionMapper
    public Response unparsableJson(JsonParseException exception, UriInfo uri) {
        return unreadableJson(exception, uri);
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException exception, UriInfo uri) {
        String field = "body";
        if (exception instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            field = jsonPath(mapping.getPath());
        }
        String detail;
        if (!(exception instanceof JsonMappingException)) {
            detail = "The request body is not valid JSON";
        } else if (exception.getCause() instanceof IllegalArgumentException invalid && invalid.getMessage() != null) {
            detail = invalid.getMessage();
        } else {
            detail = "The value of '" + field + "' has the wrong type or format";
        }
        return respond(ErrorCode.BAD_USER_INPUT, detail, uri, List.of(new FieldViolation(field, detail)));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException exception, UriInfo uri) {
        int status = exception.getResponse().getStatus();
        if (exception.getCause() instanceof JsonProcessingException json) {
            return unreadableJson(json, uri);
        }
        if (status >= 500) {
            return internal(exception, uri);
        }
        ErrorCode code = ErrorCode.forStatus(status);
        String detail = switch (code) {
            case NOT_FOUND -> "No resource at " + uri.getPath();
            case METHOD_NOT_ALLOWED -> "This method is not allowed on " + uri.getPath();
            case UNSUPPORTED_MEDIA_TYPE -> "Send the body as application/json";
            case NOT_ACCEPTABLE -> "This resource cannot produce the requested media type";
            default -> exception.getMessage();
        };
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(new Problem(code.typeUri(), code.title(), status, detail, uri.getPath(), code.name(), null, null))
                .build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable exception, UriInfo uri) {
        return internal(exception, uri);
    }

    private static Response internal(Throwable exception, UriInfo uri) {
        String incident = UUID.randomUUID().toString();
        LOG.errorf(exception, "Unexpected failure on %s (incident %s)", uri.getPath(), incident);
        return respond(ErrorCode.INTERNAL, "Something went wrong on our side; quote incident " + incident, uri, null);
    }

    private static Response respond(ErrorCode code, String detail, UriInfo uri, List<FieldViolation> violations) {
        return Response.status(code.status()).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(code, detail, uri.getPath(), violations))
                .build();
    }

    /**
     * Turns a Bean Validation path such as {@code create.body.scopes[1]} into the field a client
     * sent ({@code scopes[1]}): method and body parameter names are internal.
     */
    static String fieldName(Path path) {
        List<String> parts = new ArrayList<>();
        String parameter = null;
        for (Path.Node node : path) {
            switch (node.getKind()) {
                case METHOD, CONSTRUCTOR, RETURN_VALUE, CROSS_PARAMETER -> {
                }
                case PARAMETER -> parameter = node.getName();
                default -> {
                    if (node.isInIterable() && !parts.isEmpty()) {
                        Object position = node.getIndex() != null ? node.getIndex() : node.getKey();
                        if (position != null) {
                            parts.set(parts.size() - 1, parts.get(parts.size() - 1) + "[" + position + "]");
                        }
                    }
                    if (node.getKind() != jakarta.validation.ElementKind.CONTAINER_ELEMENT && node.getName() != null) {
                        parts.add(node.getName());
                    }
                }
            }
        }
        if (parts.isEmpty()) {
            return parameter == null ? "body" : parameter;
        }
        return String.join(".", parts);
    }

    private static String jsonPath(List<JsonMappingException.Reference> path) {
        StringBuilder text = new StringBuilder();
        for (JsonMappingException.Reference reference : path) {
            if (reference.getFieldName() != null) {
                if (!text.isEmpty()) {
                    text.append('.');
                }
                text.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                text.append('[').append(reference.getIndex()).append(']');
            }
        }
        return text.isEmpty() ? "body" : text.toString();
    }
}
