package org.mailforge.smtp.protocol.command;

import java.io.IOException;

import org.mailforge.smtp.protocol.CommandHandler;
import org.mailforge.smtp.protocol.MessageBuffer;
import org.mailforge.smtp.protocol.Replies;
import org.mailforge.smtp.protocol.SmtpSession;
import org.mailforge.smtp.protocol.TraceHeader;
import org.mailforge.smtp.protocol.Transaction;
import org.mailforge.smtp.spi.Refusal;
import org.mailforge.smtp.spi.Reply;

/**
 * BDAT (RFC 3030 CHUNKING): the message in chunks of announced size, no dot-stuffing. BINARYMIME
 * is not offered, so the content is CRLF text: a bare CR or LF or a NUL anywhere is refused at LAST with
 * {@code 550 5.6.0}, as in DATA. A chunk is always read completely, even when it is refused, so
 * the session stays in step with the client; the size limit counts across all chunks.
 */
public final class BdatHandler implements CommandHandler {

    @Override
    public void handle(SmtpSession session, String argument) throws IOException {
        String[] words = argument.split(" ");
        boolean last = words.length == 2 && words[1].equalsIgnoreCase("LAST");
        if (argument.isEmpty() || words.length > 2 || (words.length == 2 && !last) || !words[0].matches("\\d{1,18}")) {
            // without a size there is no telling where the next command starts
            session.reply(Reply.of(501, "5.5.4", "Syntax: BDAT size [LAST]"));
            session.reply(Reply.of(421, "4.5.0", "Error: cannot resynchronise after a bad BDAT, closing connection"));
            return;
        }
        long size = Long.parseLong(words[0]);
        Transaction transaction = session.transaction();
        Reply refusal = transaction == null ? Replies.NEED_MAIL
                : transaction.recipients().isEmpty() ? Replies.NEED_RCPT : null;
        if (refusal != null) {
            session.input().readChunk(java.io.OutputStream.nullOutputStream(), size, 0);
            session.reply(refusal);
            return;
        }
        long limit = session.settings().maxMessageSize();
        MessageBuffer buffer = transaction.chunks();
        if (buffer == null) {
            buffer = new MessageBuffer(session.settings().memoryThreshold(), session.settings().spoolDirectory());
            transaction.chunks(buffer);
            buffer.write(TraceHeader.received(session, transaction));
        }
        if (!session.input().readChunk(transaction.chunkSink(), size, limit - transaction.chunkOctets())) {
            session.resetTransaction();
            session.refuse(Refusal.Stage.DATA, DataHandler.sender(transaction), null, Replies.tooBig(limit));
            return;
        }
        transaction.chunkReceived(size);
        if (!last) {
            session.reply(Reply.of(250, "2.0.0", size + " octets received"));
            return;
        }
        if (transaction.chunkSink().bareLineEnding() || transaction.chunkSink().nul()) {
            Reply notText = transaction.chunkSink().bareLineEnding() ? DataHandler.BARE_LINE_ENDING : DataHandler.NUL;
            session.resetTransaction();
            session.refuse(Refusal.Stage.DATA, DataHandler.sender(transaction), null, notText);
            return;
        }
        buffer.flush();
        Reply reply = DataHandler.deliver(session, transaction, buffer);
        session.resetTransaction();
        session.reply(reply);
    }
}
