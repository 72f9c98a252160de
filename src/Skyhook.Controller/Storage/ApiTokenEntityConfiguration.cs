using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Skyhook.Controller.Storage;

internal sealed class ApiTokenEntityConfiguration : IEntityTypeConfiguration<ApiTokenEntity>
{
    public void Configure(EntityTypeBuilder<ApiTokenEntity> builder)
    {
        builder.ToTable("api_tokens");
        builder.Property(t => t.Name).HasMaxLength(64);
        builder.Property(t => t.Hash).HasMaxLength(32);
        builder.HasIndex(t => t.Hash).IsUnique();
        builder.Property(t => t.CreatedFrom).HasMaxLength(64);
        builder.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
