package org.mailforge.domain.directory;

import java.util.List;
import java.util.Optional;

/** The domains added through the API and the aliases, as every node reads them. */
public interface DirectoryRepository {

    List<LocalDomain> domains();

    Optional<LocalDomain> findDomain(String name);

    /** @throws IllegalStateException when the domain exists */
    void addDomain(LocalDomain domain);

    void removeDomain(String name);

    List<Alias> aliases();

    Optional<Alias> findAlias(String address);

    /** Adds the alias, or replaces the targets of the one at its address. */
    Alias saveAlias(Alias alias);

    boolean removeAlias(String address);

    long aliasesOf(String domain);
}
