// Shared by the workshop pages: read a server-sent event stream from a fetch() response,
// calling onData with each event's parsed JSON, until the stream ends or keepGoing() is false.
"use strict";
window.mspReadEvents = async function (response, onData, keepGoing) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const {value, done} = await reader.read();
    if (done || (keepGoing && !keepGoing())) return;
    buffer += decoder.decode(value, {stream: true});
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const chunk = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = chunk.split("\n").filter((l) => l.startsWith("data: "))
        .map((l) => l.slice(6)).join("\n");
      if (data) onData(JSON.parse(data));
    }
  }
};
