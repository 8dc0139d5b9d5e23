package org.mailforge.application.directory;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.domain.directory.Alias;
import org.mailforge.domain.directory.DirectoryRepository;
import org.mailforge.domain.directory.LocalDomain;
import org.mailforge.domain.user.User;
import org.mailforge.domain.user.UserRepository;
import org.mailforge.smtp.spi.Domains;

/**
 * Where mail for an address of ours goes: which domains are local (SMTP_LOCAL_DOMAINS, the host
 * name, and those added through the API), and what an address reaches: a user's mailbox, the
 * targets of an alias (users, outside addresses, other aliases), {@code bob+tag@} as {@code bob@},
 * the domain's catch-all ({@code *@domain}), postmaster, or the original sender of a bounce to an
 * SRS address. Expansion is bounded ({@link #MAX_DEPTH} levels, {@link #MAX_ADDRESSES} addresses)
 * and loop-safe: an address met again is not expanded again, only delivered to its own mailbox.
 *
 * <p>Domains and aliases are read from the database at most every {@link #REFRESH_NANOS} (2 s):
 * a change made on any node is seen by every node within seconds, without a restart.
 */
@ApplicationScoped
public class MailDirectory {

    private static final Logger LOG = Logger.getLogger(MailDirectory.class.getName());
    public static final int MAX_DEPTH = 8;
    public static final int MAX_ADDRESSES = 1000;
    static final long REFRESH_NANOS = 2_000_000_000L;

    /**
     * What an address reaches: mailboxes here (users' addresses) and addresses elsewhere; nothing
     * when both are empty. {@code owners}: the user of each mailbox that has one, as read now.
     */
    public record Expansion(List<String> mailboxes, List<String> forwards, Map<String, User> owners) {
        public Expansion(List<String> mailboxes, List<String> forwards) {
            this(mailboxes, forwards, Map.of());
        }

        public boolean deliverable() {
            return !mailboxes.isEmpty() || !forwards.isEmpty();
        }

        /** Equal when they reach the same mailboxes and addresses (the users read are a by-product). */
        @Override
        public boolean equals(Object other) {
            return other instanceof Expansion that && mailboxes.equals(that.mailboxes) && forwards.equals(that.forwards);
        }

        @Override
        public int hashCode() {
            return mailboxes.hashCode() * 31 + forwards.hashCode();
        }
    }

    /** The domains and aliases as last read. */
    private record Snapshot(Set<String> domains, Map<String, List<String>> aliases, long readAt) {
    }

    private DirectoryRepository repository;
    private UserRepository users;
    private Set<String> configured;
    private String delimiter;
    private String adminEmail;
    private boolean rejectUnknown;
    private Srs srs;
    private volatile Snapshot snapshot;
    private final AtomicBoolean reading = new AtomicBoolean();
    /**
     * Accounts by address, as read within the last {@link #REFRESH_NANOS}: a message's recipient is
     * looked up at RCPT and again at DATA, and a stream of mail for one address would otherwise
     * ask the database each time. Bounded (addresses come from clients: past the bound it starts
     * afresh); a change on this node clears it ({@link #changed}), one on another node counts
     * within the same seconds as a changed alias does. A quota is always checked against the
     * account read afresh by the claim at DATA; only whether an address has an account at all may
     * be that old (a mailbox without one has no quota to claim).
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Account> accounts = new java.util.concurrent.ConcurrentHashMap<>();
    static final int MAX_ACCOUNTS = 10_000;

    private record Account(Optional<User> user, long readAt) {
    }

    protected MailDirectory() {
        // for CDI's client proxy
    }

    @Inject
    public MailDirectory(DirectoryRepository repository, UserRepository users, ServerConfiguration configuration) {
        this.repository = repository;
        this.users = users;
        this.configured = configuration.listener().localDomainSet();
        this.delimiter = configuration.directory().recipientDelimiter();
        this.adminEmail = configuration.admin().email();
        this.rejectUnknown = configuration.directory().rejectUnknownRecipients();
        byte[] secret;
        if (configuration.directory().srsSecret() != null) {
            secret = configuration.directory().srsSecret().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } else {
            secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            LOG.warning("SMTP_SRS_SECRET is not set: forwarded mail's senders are rewritten under a key of this start only;"
                    + " set it (the same on every node) so bounces find their way back after a restart");
        }
        String srsDomain = configuration.directory().srsDomain() != null ? configuration.directory().srsDomain() : configuration.listener().hostname();
        this.srs = new Srs(secret, Domains.ascii(srsDomain), Clock.systemUTC());
        if (!Domains.isLocal(configured, srsDomain)) {
            LOG.warning("SMTP_SRS_DOMAIN=" + srsDomain + " is not in SMTP_LOCAL_DOMAINS: bounces to forwarded mail are refused until it is");
        }
    }

    public Srs srs() {
        return srs;
    }

    /** Whether mail for this domain is ours to keep. */
    public boolean isLocal(String domain) {
        return Domains.isLocal(configured, domain) || Domains.isLocal(current().domains(), domain);
    }

    /** Whether the domain is local by configuration (SMTP_LOCAL_DOMAINS, the host name): not removable through the API. */
    public boolean isConfigured(String domain) {
        return Domains.isLocal(configured, domain);
    }

    /** Every local domain, configured ones first. */
    public List<String> localDomains() {
        Set<String> all = new LinkedHashSet<>(configured);
        all.remove("localhost");
        all.addAll(current().domains());
        return List.copyOf(all);
    }

    /** Reads domains and aliases again at the next question (after a change made on this node). */
    public void changed() {
        snapshot = null;
        accounts.clear();
    }

    /** What the address (of a local domain) reaches. */
    public Expansion expand(String address) {
        Snapshot now = current();
        Set<String> mailboxes = new LinkedHashSet<>();
        Set<String> forwards = new LinkedHashSet<>();
        Map<String, User> owners = new HashMap<>();
        resolve(normalize(address), 0, new HashSet<>(), now, mailboxes, forwards, owners);
        return new Expansion(List.copyOf(mailboxes), List.copyOf(forwards), Map.copyOf(owners));
    }

    /**
     * Whether the address is an alias (named as such, not reached through a catch-all or a tag)
     * that delivers to this mailbox: its users may send as it.
     */
    public boolean aliasReaches(String address, String mailbox) {
        String normalized = normalize(address);
        return current().aliases().containsKey(normalized) && expand(normalized).mailboxes().stream().anyMatch(mailbox::equalsIgnoreCase);
    }

    private void resolve(String address, int depth, Set<String> seen, Snapshot now, Set<String> mailboxes, Set<String> forwards,
                         Map<String, User> owners) {
        if (mailboxes.size() + forwards.size() >= MAX_ADDRESSES) {
            return;
        }
        int at = address.lastIndexOf('@');
        if (at <= 0) {
            return;
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        if (!isLocal(domain)) {
            forwards.add(address);
            return;
        }
        if (!seen.add(address) || depth >= MAX_DEPTH) {
            own(address, mailboxes, owners); // met again, or too deep: its own mailbox only
            return;
        }
        List<String> targets = now.aliases().get(address);
        if (targets != null) {
            for (String target : targets) {
                resolve(target, depth + 1, seen, now, mailboxes, forwards, owners);
            }
            return;
        }
        Optional<User> user = account(address);
        if (user.isPresent()) {
            mailboxes.add(user.get().getEmail());
            owners.put(user.get().getEmail(), user.get());
            return;
        }
        if (srs.isSrs(address)) {
            srs.reverse(address).ifPresent(original -> resolve(normalize(original), depth + 1, seen, now, mailboxes, forwards, owners));
            return;
        }
        int tag = delimiter.isEmpty() ? -1 : local.indexOf(delimiter);
        if (tag > 0) {
            resolve(local.substring(0, tag) + "@" + domain, depth + 1, seen, now, mailboxes, forwards, owners);
            return;
        }
        if (local.equals("postmaster") && adminEmail != null) { // RFC 5321 4.5.1: always deliverable
            int before = mailboxes.size() + forwards.size();
            resolve(normalize(adminEmail), depth + 1, seen, now, mailboxes, forwards, owners);
            if (mailboxes.size() + forwards.size() == before) {
                mailboxes.add(normalize(adminEmail)); // the administrator's mailbox, account or not
            }
            return;
        }
        List<String> catchAll = now.aliases().get(Alias.CATCH_ALL + "@" + domain);
        if (catchAll != null) {
            for (String target : catchAll) {
                resolve(target, depth + 1, seen, now, mailboxes, forwards, owners);
            }
            return;
        }
        if (!rejectUnknown) {
            mailboxes.add(address); // SMTP_REJECT_UNKNOWN_RECIPIENTS=false: a mailbox of that name
        }
    }

    private Optional<User> account(String address) {
        long now = System.nanoTime();
        Account known = accounts.get(address);
        if (known != null && now - known.readAt() < REFRESH_NANOS) {
            return known.user();
        }
        Optional<User> user = users.findByEmail(address);
        if (accounts.size() >= MAX_ACCOUNTS) {
            accounts.clear();
        }
        accounts.put(address, new Account(user, now));
        return user;
    }

    private void own(String address, Set<String> mailboxes, Map<String, User> owners) {
        Optional<User> user = account(address);
        if (user.isPresent()) {
            mailboxes.add(user.get().getEmail());
            owners.put(user.get().getEmail(), user.get());
        } else if (!rejectUnknown) {
            mailboxes.add(address);
        }
    }

    /** Lower-case local part, the domain in lower-case A-label form (an address literal as written): how addresses compare. */
    public static String normalize(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return address.toLowerCase(Locale.ROOT);
        }
        String domain = address.substring(at + 1);
        try {
            domain = Domains.ascii(domain);
        } catch (IllegalArgumentException e) {
            domain = domain.toLowerCase(Locale.ROOT);
        }
        return address.substring(0, at).toLowerCase(Locale.ROOT) + "@" + domain;
    }

    private Snapshot current() {
        Snapshot known = snapshot;
        if (known != null && System.nanoTime() - known.readAt() < REFRESH_NANOS) {
            return known;
        }
        if (known != null && !reading.compareAndSet(false, true)) {
            return known; // another thread is reading: the last snapshot serves meanwhile
        }
        try {
            Set<String> domains = new HashSet<>();
            for (LocalDomain domain : repository.domains()) {
                domains.add(domain.getName());
            }
            Map<String, List<String>> aliases = new HashMap<>();
            for (Alias alias : repository.aliases()) {
                aliases.put(alias.getAddress(), new ArrayList<>(alias.getTargets()));
            }
            Snapshot read = new Snapshot(Set.copyOf(domains), Map.copyOf(aliases), System.nanoTime());
            snapshot = read;
            return read;
        } catch (RuntimeException e) {
            if (known == null) {
                throw e;
            }
            LOG.log(Level.WARNING, "cannot read domains and aliases; the last ones read still serve", e);
            return known;
        } finally {
            reading.set(false);
        }
    }
}
