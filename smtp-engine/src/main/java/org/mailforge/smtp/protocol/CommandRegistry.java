package org.mailforge.smtp.protocol;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import org.mailforge.smtp.protocol.command.AtrnHandler;
import org.mailforge.smtp.protocol.command.AuthHandler;
import org.mailforge.smtp.protocol.command.BdatHandler;
import org.mailforge.smtp.protocol.command.DataHandler;
import org.mailforge.smtp.protocol.command.EhloHandler;
import org.mailforge.smtp.protocol.command.EtrnHandler;
import org.mailforge.smtp.protocol.command.HeloHandler;
import org.mailforge.smtp.protocol.command.HelpHandler;
import org.mailforge.smtp.protocol.command.MailHandler;
import org.mailforge.smtp.protocol.command.NoopHandler;
import org.mailforge.smtp.protocol.command.QuitHandler;
import org.mailforge.smtp.protocol.command.RcptHandler;
import org.mailforge.smtp.protocol.command.RsetHandler;
import org.mailforge.smtp.protocol.command.StartTlsHandler;
import org.mailforge.smtp.protocol.command.VrfyHandler;

/** The verbs a listener understands and the handler of each. */
public final class CommandRegistry {

    /** Verbs that exist in SMTP but that this server does not offer: 502 rather than 500. */
    private static final String[] NOT_IMPLEMENTED = {"EXPN", "TURN", "SEND", "SOML", "SAML"};

    private final Map<String, CommandHandler> handlers;

    private CommandRegistry(Map<String, CommandHandler> handlers) {
        this.handlers = Collections.unmodifiableMap(new TreeMap<>(handlers));
    }

    private static final CommandHandler NOT_OFFERED = (session, argument) -> session.reply(Replies.NOT_IMPLEMENTED);

    public static CommandRegistry standard() {
        Map<String, CommandHandler> map = new TreeMap<>();
        map.put("EHLO", new EhloHandler());
        map.put("HELO", new HeloHandler());
        map.put("MAIL", new MailHandler());
        map.put("RCPT", new RcptHandler());
        map.put("DATA", new DataHandler());
        map.put("BDAT", new BdatHandler());
        map.put("RSET", new RsetHandler());
        map.put("NOOP", new NoopHandler());
        map.put("QUIT", new QuitHandler());
        map.put("VRFY", new VrfyHandler());
        map.put("HELP", new HelpHandler());
        map.put("AUTH", new AuthHandler());
        map.put("STARTTLS", new StartTlsHandler());
        map.put("ETRN", new EtrnHandler());
        map.put("ATRN", new AtrnHandler());
        for (String verb : NOT_IMPLEMENTED) {
            map.put(verb, NOT_OFFERED);
        }
        return new CommandRegistry(map);
    }

    public CommandHandler handler(String verb) {
        return handlers.get(verb);
    }

    /** The verbs offered, for HELP. */
    public Iterable<String> verbs() {
        return handlers.entrySet().stream().filter(e -> e.getValue() != NOT_OFFERED).map(Map.Entry::getKey).toList();
    }
}
