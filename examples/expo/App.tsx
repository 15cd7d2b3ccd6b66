// A minimal Expo screen over @syncdesk/client: the visits on this device (pending ones marked),
// the sync status, open conflicts, and a button that records a visit offline-first.
import { useConflicts, useRecords, useSyncStatus } from "@syncdesk/client/react";
import { useEffect, useState } from "react";
import { ActivityIndicator, Button, FlatList, Text, View } from "react-native";
import { openClient, recordVisit, submitVisit, type AppClient } from "./src/sync";

const SERVER_URL = "https://sync.example.com";
// The app's own sign-in supplies this JWT (docs/protocol.md "Identity").
const currentJwt = async (): Promise<string> => "<the signed-in user's JWT>";

export default function App() {
  const [client, setClient] = useState<AppClient | null>(null);
  useEffect(() => {
    let live: { stop(): void } | null = null;
    void openClient(SERVER_URL, currentJwt).then((opened) => {
      setClient(opened);
      live = opened.live({ intervalMs: 30_000 });
    });
    return () => live?.stop();
  }, []);
  if (!client) return <ActivityIndicator size="large" />;
  return <Visits client={client} />;
}

function Visits({ client }: { client: AppClient }) {
  const { records, loading } = useRecords(client, "visit");
  const status = useSyncStatus(client);
  const { conflicts } = useConflicts(client);
  return (
    <View style={{ padding: 24 }}>
      <Text>
        {status.syncing ? "Syncing…" : `${status.pending} waiting`}
        {status.error ? " (offline)" : ""}
      </Text>
      {conflicts.length > 0 && (
        <Button title={`${conflicts.length} not applied: keep the server's`}
          onPress={() => void Promise.all(conflicts.map((c) => client.resolveConflict(c.id, { keep: "server" })))} />
      )}
      <Button title="Record a visit" onPress={() => void recordVisit(client, `Site ${records.length + 1}`)} />
      {loading ? <ActivityIndicator /> : (
        <FlatList
          data={records}
          keyExtractor={(visit) => visit.id}
          renderItem={({ item }) => (
            <View>
              <Text>{item.data.site} · {item.data.status ?? "draft"} · score {item.data.score}{item.pending ? " (not synced yet)" : ""}</Text>
              {item.data.status === "draft" && <Button title="Submit" onPress={() => void submitVisit(client, item.id)} />}
            </View>
          )}
        />
      )}
    </View>
  );
}
