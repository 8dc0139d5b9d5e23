package org.mailforge.interfaces.rest.errors;

import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import org.mailforge.domain.user.DuplicateUserException;
import org.mailforge.domain.user.UserValidation;

/** Every failure leaves the API as JSON with the right status; nothing else changes. */
public final class ExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ExceptionMappers.class.getName());

    private ExceptionMappers() {
    }

    @Provider
    public static class InvalidField implements ExceptionMapper<UserValidation.InvalidFieldException> {
        @Override
        public Response toResponse(UserValidation.InvalidFieldException e) {
            return ApiError.response(Response.Status.BAD_REQUEST, e.getMessage(), e.field());
        }
    }

    @Provider
    public static class Duplicate implements ExceptionMapper<DuplicateUserException> {
        @Override
        public Response toResponse(DuplicateUserException e) {
            return ApiError.response(Response.Status.CONFLICT, e.getMessage(), e.field());
        }
    }

    @Provider
    public static class MalformedJson implements ExceptionMapper<JsonbException> {
        @Override
        public Response toResponse(JsonbException e) {
            return ApiError.response(Response.Status.BAD_REQUEST, "request body is not valid JSON for this resource");
        }
    }

    @Provider
    public static class Processing implements ExceptionMapper<ProcessingException> {
        @Override
        public Response toResponse(ProcessingException e) {
            return ApiError.response(Response.Status.BAD_REQUEST, "request body is not valid JSON for this resource");
        }
    }

    @Provider
    public static class WebApplication implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            Response.Status status = Response.Status.fromStatusCode(e.getResponse().getStatus());
            if (status == null) {
                return e.getResponse();
            }
            return ApiError.response(status, e.getMessage() != null ? e.getMessage() : status.getReasonPhrase());
        }
    }

    @Provider
    public static class SelectorTaken implements ExceptionMapper<org.mailforge.application.dkim.SelectorTakenException> {
        @Override
        public Response toResponse(org.mailforge.application.dkim.SelectorTakenException e) {
            return ApiError.response(Response.Status.CONFLICT, e.getMessage(), "selector");
        }
    }

    @Provider
    public static class DirectoryConflict implements ExceptionMapper<org.mailforge.application.directory.DirectoryConflictException> {
        @Override
        public Response toResponse(org.mailforge.application.directory.DirectoryConflictException e) {
            return ApiError.response(Response.Status.CONFLICT, e.getMessage(), e.field());
        }
    }

    @Provider
    public static class LastAdministrator implements ExceptionMapper<org.mailforge.domain.user.LastAdministratorException> {
        @Override
        public Response toResponse(org.mailforge.domain.user.LastAdministratorException e) {
            return ApiError.response(Response.Status.CONFLICT, e.getMessage());
        }
    }

    /** Every password hash passes one bounded gate; when its line is full, come back later. */
    @Provider
    public static class HashingBusy implements ExceptionMapper<org.mailforge.application.users.PasswordHashing.Busy> {
        @Override
        public Response toResponse(org.mailforge.application.users.PasswordHashing.Busy e) {
            Response busy = ApiError.response(Response.Status.SERVICE_UNAVAILABLE, e.getMessage());
            return Response.fromResponse(busy).header("Retry-After", "5").build();
        }
    }

    /** A spam report this server's configuration cannot take (no scanner that learns, a store without ids). */
    @Provider
    public static class ReportNotPossible implements ExceptionMapper<org.mailforge.application.scanning.SpamReports.NotPossibleException> {
        @Override
        public Response toResponse(org.mailforge.application.scanning.SpamReports.NotPossibleException e) {
            return ApiError.response(Response.Status.CONFLICT, e.getMessage());
        }
    }

    /** The spam scanner did not answer a report; nothing changed, the report can be sent again. */
    @Provider
    public static class ScannerUnavailable implements ExceptionMapper<org.mailforge.application.scanning.ScannerUnavailableException> {
        @Override
        public Response toResponse(org.mailforge.application.scanning.ScannerUnavailableException e) {
            LOG.log(Level.WARNING, "a spam report was not taken: {0}", e.getMessage());
            Response unavailable = ApiError.response(Response.Status.SERVICE_UNAVAILABLE, "the spam scanner did not take the report; try again later");
            return Response.fromResponse(unavailable).header("Retry-After", "30").build();
        }
    }

    @Provider
    public static class Unexpected implements ExceptionMapper<RuntimeException> {
        @Override
        public Response toResponse(RuntimeException e) {
            LOG.log(Level.WARNING, "API request failed", e);
            return ApiError.response(Response.Status.INTERNAL_SERVER_ERROR, "internal error; see the server log");
        }
    }
}
