package org.mailforge.application.operations;

/**
 * What the health checks ask of the resources the container holds for the application: the
 * database pool and the messaging engine of the outbound queue. A port: the infrastructure
 * implements it with the container's resources, so the application holds neither.
 */
public interface ResourceProbes {

    /**
     * Takes a connection from the pool and asks the database whether it is valid.
     *
     * @return false when the database answers but the connection is not valid
     * @throws Exception when the database cannot be reached (its text goes to the log only)
     */
    boolean databaseAnswers() throws Exception;

    /**
     * Opens a session with the messaging engine (the embedded one, or Artemis when configured).
     *
     * @throws RuntimeException when the engine does not answer
     */
    void messagingAnswers();
}
