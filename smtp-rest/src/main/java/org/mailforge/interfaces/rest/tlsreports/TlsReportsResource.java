package org.mailforge.interfaces.rest.tlsreports;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import org.mailforge.application.outbound.tlsreport.TlsReport;
import org.mailforge.application.outbound.tlsreport.TlsReporting;
import org.mailforge.interfaces.rest.AdminApplication;
import org.mailforge.interfaces.rest.Roles;
import org.mailforge.interfaces.rest.errors.ApiError;

/**
 * The TLS reports (RFC 8460) Mailforge sends the domains it delivers to: which domains a day has
 * counts for, a domain's report as it is (or would be) sent, and sending a day's reports now.
 */
@Path("/api/tls-reports")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "tls-reports")
@SecurityRequirement(name = AdminApplication.BASIC_AUTH)
public class TlsReportsResource {

    @Inject
    TlsReporting reporting;

    /** The domains of a day. */
    public record DayView(String day, List<String> domains) {
    }

    /** What became of one domain's report. */
    @jakarta.json.bind.annotation.JsonbPropertyOrder({"domain", "sentTo", "reason"})
    public record SentView(String domain, @JsonbProperty("sent_to") List<String> sentTo, String reason) {
    }

    @GET
    @Path("{day}")
    @Operation(summary = "The domains of a day's TLS reports", description = "The destination domains outbound connections went"
            + " to that day (UTC), whose report is sent the next day to the addresses of their _smtp._tls record.")
    @APIResponse(responseCode = "200", description = "The domains", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = DayView.class)))
    @APIResponse(responseCode = "400", description = "Not a day (YYYY-MM-DD)", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = ApiError.class)))
    public DayView day(@PathParam("day") String day) {
        LocalDate date = day(day, false);
        return new DayView(date.toString(), reporting.domains(date));
    }

    @GET
    @Path("{day}/{domain}")
    @Operation(summary = "A domain's TLS report", description = "The report's JSON (RFC 8460 4) as it is sent: the policies"
            + " (MTA-STS, TLSA, none) the day's sessions were under, their success and failure counts, each failure's kind.")
    @APIResponse(responseCode = "200", description = "The report", content = @Content(mediaType = "application/json",
            schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT,
                    description = "RFC 8460's report JSON")))
    @APIResponse(responseCode = "404", description = "No session to that domain that day", content = @Content(
            mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public JsonObject report(@PathParam("day") String day, @PathParam("domain") String domain) {
        TlsReport report;
        try {
            report = reporting.report(day(day, false), org.mailforge.smtp.spi.Domains.ascii(domain));
        } catch (IllegalArgumentException e) {
            report = null; // not a domain name: no sessions to it
        }
        if (report == null) {
            throw new NotFoundException("no TLS sessions to " + domain.substring(0, Math.min(domain.length(), 253)) + " counted on " + day);
        }
        return report.json();
    }

    @POST
    @Path("{day}/send")
    @Operation(summary = "Send a day's TLS reports now", description = "Each domain's report not sent yet goes to its"
            + " _smtp._tls addresses now instead of after the day ends; a report sent is not sent again, so the rest of the day"
            + " goes unreported. Today or an earlier day of the last week.")
    @APIResponse(responseCode = "200", description = "What became of each report sent now", content = @Content(
            mediaType = "application/json", schema = @Schema(implementation = SentView.class)))
    @APIResponse(responseCode = "400", description = "Not a day of the last week", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = ApiError.class)))
    public List<SentView> send(@PathParam("day") String day) {
        return reporting.send(day(day, true)).stream().map(o -> new SentView(o.domain(), o.sentTo(), o.reason())).toList();
    }

    private static LocalDate day(String text, boolean recent) {
        LocalDate date;
        try {
            date = LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new BadRequestException("not a day (YYYY-MM-DD): " + text.substring(0, Math.min(text.length(), 40)));
        }
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        if (recent && (date.isAfter(today) || date.isBefore(today.minusDays(7)))) {
            throw new BadRequestException("reports are sent for today or a day of the last week, not " + date);
        }
        return date;
    }
}
