package org.mailforge.interfaces.rest.domains;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import org.mailforge.application.directory.DirectoryService;
import org.mailforge.application.dkim.DkimKeyService;
import org.mailforge.application.domaincheck.DomainCheckService;
import org.mailforge.domain.dkim.DkimKey;
import org.mailforge.interfaces.rest.AdminApplication;
import org.mailforge.interfaces.rest.Confirmation;
import org.mailforge.interfaces.rest.Roles;
import org.mailforge.interfaces.rest.errors.ApiError;

/**
 * {@code /api/domains/{domain}}: what a local domain needs to send mail receivers trust: its DKIM
 * keys, and the DNS records to publish. Administrators only.
 */
@Path("/api/domains")
@Tag(name = "domains")
@SecurityRequirement(name = AdminApplication.BASIC_AUTH)
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class DomainsResource {

    @Inject
    DkimKeyService dkim;

    @Inject
    DirectoryService directory;

    @Inject
    DomainCheckService checks;

    private static final String ERROR = "application/json";

    @GET
    @Operation(summary = "List local domains", description = "Those of SMTP_LOCAL_DOMAINS and SMTP_HOSTNAME (configured), then those added here.")
    @APIResponse(responseCode = "200", description = "The domains", content = @Content(mediaType = "application/json", schema = @Schema(implementation = DomainView[].class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = ERROR, schema = @Schema(implementation = ApiError.class)))
    public List<DomainView> domains() {
        return directory.domains().stream().map(d -> DomainView.of(d, dkim.list(d.name()))).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a local domain", description = "{\"name\": \"example.org\"}: mail for it is taken on every node within seconds, without a restart.")
    @APIResponse(responseCode = "201", description = "Added", content = @Content(mediaType = "application/json", schema = @Schema(implementation = DomainView.class)))
    @APIResponse(responseCode = "400", description = "Not a domain name", content = @Content(mediaType = ERROR, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = ERROR, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "409", description = "Already local", content = @Content(mediaType = ERROR, schema = @Schema(implementation = ApiError.class)))
    public Response add(DomainRequests.NewDomain request) {
        if (request == null) {
            throw new BadRequestException("a JSON body with a name is required");
        }
        DirectoryService.DomainInfo added = directory.addDomain(request.name);
        return Response.created(URI.create("/api/domains/" + added.name())).entity(DomainView.of(added, List.of())).build();
    }

    @GET
    @Path("{domain}")
    @Operation(summary = "Read a local domain", description = "Whether it is configured, its users and aliases, its catch-all and DKIM keys.")
    @APIResponse(responseCode = "200", description = "The domain", content = @Content(mediaType = "application/json", schema = @Schema(implementation = DomainView.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = ERROR, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "Not a local domain", content = @Content(mediaType = ERROR, schema = @Schema(implementation = ApiError.class)))
    public DomainView domain(@PathParam("domain") String domain) {
        DirectoryService.DomainInfo info = directory.domain(domain).orElseThrow(() -> new NotFoundException("not a local domain: " + domain));
        return DomainView.of(info, dkim.list(info.name()));
    }

    @DELETE
    @Path("{domain}")
    @Operation(summary = "Remove a local domain", description = "Only one added through the API, and only while no user or alias uses it.")
    @APIResponse(responseCode = "200", description = "Removed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Confirmation.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = ERROR, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "Not a local domain", content = @Content(mediaType = ERROR, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "409", description = "Configured, or users or aliases use it", content = @Content(mediaType = ERROR, schema = @Schema(implementation = ApiError.class)))
    public Confirmation remove(@PathParam("domain") String domain) {
        if (!directory.removeDomain(domain)) {
            throw new NotFoundException("not a local domain: " + domain);
        }
        return new Confirmation(true, "domain " + domain + " removed");
    }

    @GET
    @Path("{domain}/dkim")
    @Operation(summary = "List a domain's DKIM keys", description = "The active key first; public keys and the TXT record to publish for each.")
    @APIResponse(responseCode = "200", description = "The keys", content = @Content(mediaType = "application/json", schema = @Schema(implementation = DkimKeyView[].class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "Not a local domain", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public List<DkimKeyView> keys(@PathParam("domain") String domain) {
        return dkim.list(local(domain)).stream().map(DkimKeyView::of).toList();
    }

    @POST
    @Path("{domain}/dkim")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Generate a DKIM key", description = "A new key pair under a selector: rsa-sha256 (2048 bits by default) or ed25519-sha256. "
            + "The domain's first key signs at once; a later one signs once activated (publish its record first), or at once with \"active\": true. "
            + "The private key never leaves the server.")
    @APIResponse(responseCode = "201", description = "Created", content = @Content(mediaType = "application/json", schema = @Schema(implementation = DkimKeyView.class)))
    @APIResponse(responseCode = "400", description = "Invalid selector, algorithm or bits", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "Not a local domain", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "409", description = "The selector exists", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public Response create(@PathParam("domain") String domain, DomainRequests.NewKey request) {
        String local = local(domain);
        if (request == null) {
            throw new BadRequestException("a JSON body with a selector is required");
        }
        DkimKey key = dkim.generate(local, request.selector, request.algorithm, request.bits, request.active);
        return Response.created(URI.create("/api/domains/" + local + "/dkim/" + key.getSelector())).entity(DkimKeyView.of(key)).build();
    }

    @PATCH
    @Path("{domain}/dkim/{selector}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Activate a DKIM key", description = "{\"active\": true} makes the key the one that signs the domain's mail; the others stay published.")
    @APIResponse(responseCode = "200", description = "The key", content = @Content(mediaType = "application/json", schema = @Schema(implementation = DkimKeyView.class)))
    @APIResponse(responseCode = "400", description = "Not {\"active\": true}", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "Not a local domain, or no such selector", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public DkimKeyView activate(@PathParam("domain") String domain, @PathParam("selector") String selector, DomainRequests.KeyChange change) {
        DkimKey key = key(domain, selector);
        if (change == null || !Boolean.TRUE.equals(change.active)) {
            throw new BadRequestException("only {\"active\": true} is supported: activate another key to stop this one signing");
        }
        dkim.activate(key);
        return DkimKeyView.of(key);
    }

    @DELETE
    @Path("{domain}/dkim/{selector}")
    @Operation(summary = "Retire a DKIM key", description = "Deletes the key pair; remove its DNS record once mail it signed is old. "
            + "When it was the active key, the domain's mail is unsigned until another is activated.")
    @APIResponse(responseCode = "200", description = "Deleted", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Confirmation.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "Not a local domain, or no such selector", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public Confirmation retire(@PathParam("domain") String domain, @PathParam("selector") String selector) {
        DkimKey key = key(domain, selector);
        dkim.remove(key);
        return new Confirmation(true, "DKIM key " + key.getSelector() + " of " + key.getDomain() + " deleted");
    }

    @GET
    @Path("{domain}/check")
    @Operation(summary = "Check the domain's DNS", description = "Asks DNS now, as senders and receivers do, and compares what the domain"
            + " publishes with what this server needs: MX, SPF (for the addresses mail leaves from), the signing DKIM key, DMARC,"
            + " MTA-STS, TLS-RPT, reverse DNS of the outbound addresses, and the certificate. Each item pass, warning or fail, with"
            + " the reason and the record to publish. Re-checked daily; a check that turns to fail fires the domain.check.failed webhook.")
    @APIResponse(responseCode = "200", description = "The check", content = @Content(mediaType = "application/json", schema = @Schema(implementation = DomainCheckView.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "Not a local domain", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public DomainCheckView check(@PathParam("domain") String domain) {
        return DomainCheckView.of(checks.check(local(domain)));
    }

    @GET
    @Path("{domain}/dns")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    @Operation(summary = "DNS records to publish", description = "The MX, each DKIM key's TXT record, and suggested SPF and DMARC records, "
            + "as JSON (with the zone-file text in \"zone\"), or as zone-file text alone with ?format=zone.")
    @APIResponse(responseCode = "200", description = "The records", content = {
            @Content(mediaType = "application/json", schema = @Schema(implementation = DnsRecordsView.class)),
            @Content(mediaType = "text/plain")})
    @APIResponse(responseCode = "400", description = "Unknown format", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "Not a local domain", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public Response dns(@PathParam("domain") String domain,
                        @Parameter(description = "json (default) or zone") @QueryParam("format") String format) {
        String local = local(domain);
        DnsRecordsView view = DnsRecordsView.of(local, dkim.dnsRecords(local));
        if (format == null || format.equals("json")) {
            return Response.ok(view, MediaType.APPLICATION_JSON_TYPE).build();
        }
        if (format.equals("zone")) {
            return Response.ok(view.zone(), MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).build();
        }
        throw new BadRequestException("format must be json or zone");
    }

    private String local(String domain) {
        return dkim.localDomain(domain).orElseThrow(() -> new NotFoundException("not a local domain: " + domain));
    }

    private DkimKey key(String domain, String selector) {
        String local = local(domain);
        return dkim.find(local, selector).orElseThrow(() -> new NotFoundException("no DKIM key " + selector + " for " + local));
    }
}
