// The few react-native components App.tsx uses, with the props it passes (react-native itself is
// not installed in CI; see expo-sqlite.d.ts).
declare module "react-native" {
  import type { ComponentType, ReactElement, ReactNode } from "react";

  type Style = Record<string, string | number>;
  export const View: ComponentType<{ style?: Style; children?: ReactNode }>;
  export const Text: ComponentType<{ style?: Style; children?: ReactNode }>;
  export const Button: ComponentType<{ title: string; onPress: () => void; disabled?: boolean }>;
  export const ActivityIndicator: ComponentType<{ size?: "small" | "large" }>;
  export function FlatList<T>(props: {
    data: readonly T[];
    keyExtractor: (item: T) => string;
    renderItem: (info: { item: T; index: number }) => ReactElement | null;
  }): ReactElement;
}
