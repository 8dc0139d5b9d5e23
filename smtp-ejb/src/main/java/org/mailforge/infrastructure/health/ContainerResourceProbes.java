package org.mailforge.infrastructure.health;

import java.sql.Connection;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;

import org.mailforge.application.operations.ResourceProbes;

/** The health checks' view of the container's database pool and messaging engine. */
@ApplicationScoped
public class ContainerResourceProbes implements ResourceProbes {

    @Resource(lookup = "jdbc/mailforge", shareable = false) // returned to the pool on close, even inside a local transaction
    DataSource dataSource;

    @Resource(lookup = "jms/mailforge")
    jakarta.jms.ConnectionFactory connectionFactory;

    @Override
    public boolean databaseAnswers() throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2);
        }
    }

    @Override
    public void messagingAnswers() {
        try (jakarta.jms.JMSContext context = connectionFactory.createContext()) {
            context.createProducer(); // a session exists: the engine answers
        }
    }
}
