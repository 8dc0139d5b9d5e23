package org.mailforge.application.directory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.domain.directory.Alias;
import org.mailforge.domain.directory.DirectoryRepository;
import org.mailforge.domain.directory.LocalDomain;
import org.mailforge.domain.user.UserRepository;
import org.mailforge.domain.user.UserValidation;
import org.mailforge.smtp.spi.Domains;

/**
 * Managing local domains and aliases (for the API and user-cli): the rules live here, every node
 * sees a change through {@link MailDirectory} within seconds.
 */
@ApplicationScoped
public class DirectoryService {

    /** An alias reaches at most this many addresses directly (its expansion is bounded by {@link MailDirectory}). */
    public static final int MAX_TARGETS = 100;

    /** A local domain as the API shows it. */
    public record DomainInfo(String name, boolean configured, long users, long aliases, List<String> catchAll) {
    }

    private DirectoryRepository repository;
    private UserRepository users;
    private MailDirectory directory;
    private Clock clock = Clock.systemUTC();

    protected DirectoryService() {
        // for CDI's client proxy
    }

    @Inject
    public DirectoryService(DirectoryRepository repository, UserRepository users, MailDirectory directory) {
        this.repository = repository;
        this.users = users;
        this.directory = directory;
    }

    public List<DomainInfo> domains() {
        return directory.localDomains().stream().map(this::info).toList();
    }

    /** The domain when it is local, in canonical form; empty otherwise. */
    public Optional<DomainInfo> domain(String name) {
        return canonical(name).filter(directory::isLocal).map(this::info);
    }

    private DomainInfo info(String name) {
        List<String> catchAll = repository.findAlias(Alias.CATCH_ALL + "@" + name).map(Alias::getTargets).orElse(List.of());
        return new DomainInfo(name, directory.isConfigured(name), users.countInDomain(name), repository.aliasesOf(name), catchAll);
    }

    public DomainInfo addDomain(String name) {
        String domain = canonical(name).filter(Domains::isValidName).filter(d -> d.contains("."))
                .orElseThrow(() -> new UserValidation.InvalidFieldException("name", "name must be a domain name like example.org"));
        if (directory.isLocal(domain)) {
            throw new DirectoryConflictException("name", domain + " is a local domain already");
        }
        try {
            repository.addDomain(new LocalDomain(domain, clock.instant()));
        } catch (IllegalStateException e) {
            throw new DirectoryConflictException("name", domain + " is a local domain already");
        }
        directory.changed();
        return info(domain);
    }

    /** @return false when it is not a domain added through the API (and not configured either) */
    public boolean removeDomain(String name) {
        Optional<String> domain = canonical(name);
        if (domain.isEmpty() || !directory.isLocal(domain.get())) {
            return false;
        }
        if (directory.isConfigured(domain.get())) {
            throw new DirectoryConflictException("name", domain.get() + " is local by configuration (SMTP_LOCAL_DOMAINS or SMTP_HOSTNAME)");
        }
        long userCount = users.countInDomain(domain.get());
        long aliasCount = repository.aliasesOf(domain.get());
        if (userCount > 0 || aliasCount > 0) {
            throw new DirectoryConflictException("name", domain.get() + " still has " + userCount + " user(s) and " + aliasCount
                    + " alias(es): remove them first");
        }
        repository.removeDomain(domain.get());
        directory.changed();
        return true;
    }

    public List<Alias> aliases() {
        return repository.aliases();
    }

    /** The aliases that deliver to this mailbox (a user's own view). */
    public List<Alias> aliasesReaching(String mailbox) {
        return repository.aliases().stream().filter(a -> !a.isCatchAll() && directory.aliasReaches(a.getAddress(), mailbox)).toList();
    }

    public Optional<Alias> alias(String address) {
        return Optional.ofNullable(address).map(MailDirectory::normalize).flatMap(repository::findAlias);
    }

    /**
     * Creates the alias, or replaces its targets.
     *
     * @param create true for POST (an existing alias is a conflict), false for PUT
     */
    public Alias saveAlias(String address, List<String> targets, boolean create) {
        String normalized = aliasAddress(address);
        List<String> checked = targets(targets);
        if (create && repository.findAlias(normalized).isPresent()) {
            throw new DirectoryConflictException("address", normalized + " exists: PUT replaces its targets");
        }
        if (!create && repository.findAlias(normalized).isEmpty()) {
            return null;
        }
        if (users.findByEmail(normalized).isPresent()) {
            throw new DirectoryConflictException("address", "a user has the address " + normalized);
        }
        Alias saved = repository.saveAlias(new Alias(normalized, checked, clock.instant()));
        directory.changed();
        return saved;
    }

    public boolean removeAlias(String address) {
        boolean removed = address != null && repository.removeAlias(MailDirectory.normalize(address));
        directory.changed();
        return removed;
    }

    /** A valid address (or {@code *@domain}) of a local domain, normalised. */
    private String aliasAddress(String address) {
        String raw = address == null ? "" : address.strip();
        int at = raw.lastIndexOf('@');
        if (at <= 0) {
            throw new UserValidation.InvalidFieldException("address", "address must look like sales@example.org, or *@example.org for a catch-all");
        }
        String local = raw.substring(0, at).toLowerCase(Locale.ROOT);
        Optional<String> domain = canonical(raw.substring(at + 1));
        if (domain.isEmpty() || !directory.isLocal(domain.get())) {
            throw new UserValidation.InvalidFieldException("address", "address must be in a local domain");
        }
        String normalized = local + "@" + domain.get();
        if (!local.equals(Alias.CATCH_ALL)) {
            UserValidation.email(normalized); // the same syntax as a user's address
        }
        return normalized;
    }

    private static List<String> targets(List<String> targets) {
        if (targets == null || targets.isEmpty() || targets.size() > MAX_TARGETS) {
            throw new UserValidation.InvalidFieldException("targets", "targets must list 1 to " + MAX_TARGETS + " addresses");
        }
        Set<String> checked = new LinkedHashSet<>();
        for (String target : targets) {
            try {
                checked.add(MailDirectory.normalize(UserValidation.email(target)));
            } catch (UserValidation.InvalidFieldException e) {
                throw new UserValidation.InvalidFieldException("targets", "not an address: " + String.valueOf(target)
                        .substring(0, Math.min(String.valueOf(target).length(), 100)));
            }
        }
        return new ArrayList<>(checked);
    }

    private static Optional<String> canonical(String name) {
        if (name == null || name.isBlank() || name.length() > 253) {
            return Optional.empty();
        }
        try {
            return Optional.of(Domains.ascii(name.strip()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
