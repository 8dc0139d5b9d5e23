package org.mailforge.application.scanning;

/**
 * ClamAV's judgement of a message.
 *
 * @param infected  whether a signature matched
 * @param signature the name of the signature, or null when clean
 */
public record VirusVerdict(boolean infected, String signature) {

    public static final VirusVerdict CLEAN = new VirusVerdict(false, null);
}
