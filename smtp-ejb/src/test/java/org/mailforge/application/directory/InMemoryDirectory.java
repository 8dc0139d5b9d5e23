package org.mailforge.application.directory;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.mailforge.domain.directory.Alias;
import org.mailforge.domain.directory.DirectoryRepository;
import org.mailforge.domain.directory.LocalDomain;
import org.mailforge.domain.user.User;
import org.mailforge.domain.user.UserRepository;

/** Domains and aliases in maps, and users by address, for the directory's unit tests. */
public final class InMemoryDirectory implements DirectoryRepository {

    private final Map<String, LocalDomain> domains = new TreeMap<>();
    private final Map<String, Alias> aliases = new TreeMap<>();

    public InMemoryDirectory alias(String address, String... targets) {
        aliases.put(address, new Alias(address, List.of(targets), Instant.EPOCH));
        return this;
    }

    public InMemoryDirectory domain(String name) {
        domains.put(name, new LocalDomain(name, Instant.EPOCH));
        return this;
    }

    /** Users with these addresses (usernames: the local parts); only lookups by address and counts work. */
    public static UserRepository users(String... emails) {
        Map<String, User> byEmail = new TreeMap<>();
        for (String email : emails) {
            byEmail.put(email.toLowerCase(), new User(email.substring(0, email.indexOf('@')), email, "$argon2id$x", 0, false, Instant.EPOCH));
        }
        return (UserRepository) Proxy.newProxyInstance(UserRepository.class.getClassLoader(), new Class<?>[] {UserRepository.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "findByEmail" -> Optional.ofNullable(byEmail.get(((String) args[0]).toLowerCase()));
                    case "countInDomain" -> byEmail.keySet().stream().filter(e -> e.endsWith("@" + args[0])).count();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Override
    public List<LocalDomain> domains() {
        return new ArrayList<>(domains.values());
    }

    @Override
    public Optional<LocalDomain> findDomain(String name) {
        return Optional.ofNullable(domains.get(name));
    }

    @Override
    public void addDomain(LocalDomain domain) {
        if (domains.putIfAbsent(domain.getName(), domain) != null) {
            throw new IllegalStateException("exists");
        }
    }

    @Override
    public void removeDomain(String name) {
        domains.remove(name);
    }

    @Override
    public List<Alias> aliases() {
        return new ArrayList<>(aliases.values());
    }

    @Override
    public Optional<Alias> findAlias(String address) {
        return Optional.ofNullable(aliases.get(address));
    }

    @Override
    public Alias saveAlias(Alias alias) {
        aliases.put(alias.getAddress(), alias);
        return alias;
    }

    @Override
    public boolean removeAlias(String address) {
        return aliases.remove(address) != null;
    }

    @Override
    public long aliasesOf(String domain) {
        return aliases.values().stream().filter(a -> a.getDomain().equals(domain)).count();
    }
}
