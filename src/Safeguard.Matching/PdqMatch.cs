namespace Safeguard.Matching;

/// <summary>One index entry found by a search: the caller's id and its Hamming distance to the query.</summary>
public readonly record struct PdqMatch(int Id, int Distance);
