package org.mailforge.smtp.protocol;

/**
 * Who is on the other end of a session.
 *
 * @param address  the client's IP address as text
 * @param hostName the verified reverse DNS name, or null when unknown or not looked up
 */
public record ClientInfo(String address, String hostName) {
}
